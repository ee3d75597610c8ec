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

/* A target as typed: 2,5 stays 2,5 (not rounded to 3), so what is marked is what is shown. */
dagfuncs.angkaTarget = function (value) {
    if (value === null || value === undefined || value === "") { return ""; }
    const n = Number(value);
    if (!Number.isFinite(n)) { return String(value); }
    return n.toLocaleString("id-ID", {maximumFractionDigits: 2});
};

/* Why a target cell of the plan table is out of range ("" when it is not), to mark the
   cell and say why in its tooltip. The same checks as kantong.priority.value_problem and
   row_problems, which word them under the table and block saving. */
var TARGET_YEARS = [2020, 2045];  // kantong.priority.YEARS
var DISJOINT_TARGETS = ["target_usul_dtks", "target_terima_bansos"];  // kantong.priority.DISJOINT_TARGETS
function targetNumber(value) {
    if (value === null || value === undefined || typeof value === "boolean") { return null; }
    const n = typeof value === "number" ? value : Number(String(value).trim().replace(",", "."));
    return Number.isFinite(n) && String(value).trim() !== "" ? n : null;
}
function valueProblem(value, field, d1) {
    if (value === null || value === undefined || String(value).trim() === "") { return "belum diisi"; }
    const n = targetNumber(value);
    if (n === null) { return "bukan angka"; }
    if (!Number.isInteger(n)) { return "bukan bilangan bulat"; }
    if (field === "tahun") {
        return n >= TARGET_YEARS[0] && n <= TARGET_YEARS[1] ? "" : "di luar " + TARGET_YEARS[0] + "–" + TARGET_YEARS[1];
    }
    if (n < 0) { return "negatif"; }
    const limit = targetNumber(d1);
    if (limit !== null && n > limit) { return "melebihi " + dagfuncs.angka(limit, 0) + " KK desil 1 nagari ini"; }
    return "";
}
dagfuncs.masalahTarget = function (data, field, api) {
    if (!data) { return ""; }
    const own = valueProblem(data[field], field, data.kk_desil_1);
    const i = DISJOINT_TARGETS.indexOf(field);
    if (own || i < 0) { return own; }
    const other = DISJOINT_TARGETS[1 - i];
    const limit = targetNumber(data.kk_desil_1);
    if (valueProblem(data[other], other, data.kk_desil_1) || limit === null) { return ""; }
    const total = targetNumber(data[field]) + targetNumber(data[other]);
    if (total <= limit) { return ""; }
    const column = api && api.getColumnDef(other);
    const label = column ? column.headerName : other;
    return "ditambah " + label.charAt(0).toLowerCase() + label.slice(1) + " (" + dagfuncs.angka(data[other], 0) +
        ") = " + dagfuncs.angka(total, 0) + ", melebihi " + dagfuncs.angka(limit, 0) + " KK desil 1 nagari ini";
};
