/* Number formats for the AG Grid tables: Indonesian separators (1.234; 12,5). */
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});
dagfuncs.angka = function (value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) { return "–"; }
    return Number(value).toLocaleString("id-ID", {minimumFractionDigits: digits, maximumFractionDigits: digits});
};
dagfuncs.persen = function (value) {
    if (value === null || value === undefined || Number.isNaN(value)) { return "–"; }
    return dagfuncs.angka(value, 1) + "%";
};
