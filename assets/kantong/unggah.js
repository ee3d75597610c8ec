/* Rilis data (/rilis): upload a release's input files in chunks, streamed to the server
 * (kantong/release_upload.py), with a progress bar per file and overall and a "Batalkan"
 * button that stops the upload and deletes what arrived.
 *
 * Files are never read into memory here: each chunk is a slice of the File, sent as the raw
 * body of a PUT. A chunk is 1 to 8 MB, sized so that one takes about CHUNK_SECONDS on the link
 * measured so far (a slow office link never reaches a server's request timeout). A chunk the
 * server answers 409 (it has a different size) is resumed from the size the server has; a
 * file the session already holds whole (same name, size and modification time) is not sent
 * again, and one it holds in part is resumed.
 *
 * The element ids are those of ids.py (RILIS_*); Dash draws the box, this script the
 * <input type=file multiple> inside its label (Dash has no file input other than dcc.Upload,
 * which reads files into memory) and the progress bars. When files have arrived, the
 * store ids.RILIS_SESI is set (dash_clientside.set_props), and the page's callback lists
 * the session's files as the server holds them.
 */
(function () {
    'use strict';

    var ROOT = 'rilis-unggah';              // ids.RILIS_UNGGAH
    var SLOT = 'rilis-berkas-wadah';        // ids.RILIS_BERKAS_WADAH
    var INPUT = 'rilis-berkas-input';       // ids.RILIS_BERKAS_INPUT
    var CANCEL = 'rilis-unggah-batal';      // ids.RILIS_UNGGAH_BATAL
    var PROGRESS = 'rilis-unggah-progres';  // ids.RILIS_UNGGAH_PROGRES
    var STATUS = 'rilis-unggah-status';     // ids.RILIS_UNGGAH_STATUS
    var STORE = 'rilis-sesi';               // ids.RILIS_SESI
    var MB = 1024 * 1024;
    var MIN_CHUNK = MB, MAX_CHUNK = 8 * MB, FIRST_CHUNK = 2 * MB;
    var CHUNK_SECONDS = 4;
    var RETRIES = 3;

    var job = null;  // the upload under way: {url, sesi, files, sent, sentStart, total, chunk, xhr, stopped, started}

    // --- numbers in Indonesian (kantong/fmt.py: 1.234,5) -----------------------------------
    function angka(value, digits) {
        var fixed = value.toFixed(digits || 0).split('.');
        var whole = fixed[0].replace(/\B(?=(\d{3})+(?!\d))/g, '.');
        return fixed.length > 1 ? whole + ',' + fixed[1] : whole;
    }
    function size(bytes) {
        if (bytes >= 1024 * MB) return angka(bytes / (1024 * MB), 2) + ' GB';
        if (bytes >= MB) return angka(bytes / MB, 1) + ' MB';
        return angka(bytes / 1024, 1) + ' KB';
    }
    function percent(done, total) {
        return total > 0 ? Math.floor(100 * done / total) : 100;
    }

    // --- the page's elements ---------------------------------------------------------------
    function el(id) { return document.getElementById(id); }
    function make(tag, className, text) {
        var node = document.createElement(tag);
        if (className) node.className = className;
        if (text !== undefined) node.textContent = text;
        return node;
    }
    function say(text, bad) {
        var status = el(STATUS);
        if (!status) return;
        status.textContent = text;
        status.className = 'small mt-1' + (bad ? ' text-danger fw-semibold' : '');
    }
    function csrf() {
        var found = document.cookie.split('; ').filter(function (c) { return c.indexOf('_csrf_token=') === 0; })[0];
        return found ? decodeURIComponent(found.slice('_csrf_token='.length)) : '';
    }

    // The file input, inside the box's label, made once per drawing of the page.
    function ensureInput() {
        var slot = el(SLOT), root = el(ROOT);
        if (!slot || !root || el(INPUT)) return;
        var input = document.createElement('input');
        input.type = 'file';
        input.multiple = true;
        input.id = INPUT;
        input.className = 'unggah-rilis-input';
        input.accept = root.getAttribute('data-ekstensi') || '';
        input.setAttribute('aria-describedby', STATUS);
        slot.appendChild(input);
        if (job) { input.disabled = true; render(job, true); }
    }

    function bar(label) {
        var outer = make('div', 'progress unggah-rilis-bar');
        outer.setAttribute('role', 'progressbar');
        outer.setAttribute('aria-label', label);
        outer.setAttribute('aria-valuemin', '0');
        outer.setAttribute('aria-valuemax', '100');
        outer.appendChild(make('div', 'progress-bar'));
        return outer;
    }
    function setBar(outer, done, total) {
        var p = String(percent(done, total));
        if (outer.getAttribute('aria-valuenow') === p) return;
        outer.setAttribute('aria-valuenow', p);
        outer.firstChild.style.width = p + '%';
    }

    // The progress box: drawn once per upload (and again if Dash redrew the page), then
    // only its numbers change, so a scrolled file list stays where it is.
    function draw(up, box) {
        var all = make('div', 'mb-2');
        var head = make('div', 'd-flex justify-content-between small fw-semibold');
        up.totalText = head.appendChild(make('span', ''));
        up.rateText = head.appendChild(make('span', ''));
        all.appendChild(head);
        up.totalBar = all.appendChild(bar('Kemajuan unggahan seluruh berkas'));
        var list = make('ul', 'list-unstyled small mb-0 mt-2 unggah-rilis-daftar');
        up.files.forEach(function (f) {
            var item = make('li', 'mb-1');
            var line = make('div', 'd-flex justify-content-between gap-2');
            line.appendChild(make('span', 'text-break', f.file.name));
            f.stateText = line.appendChild(make('span', 'text-nowrap'));
            item.appendChild(line);
            f.bar = item.appendChild(bar('Kemajuan unggahan ' + f.file.name));
            f.errorText = item.appendChild(make('div', 'text-danger'));
            f.item = list.appendChild(item);
        });
        all.appendChild(list);
        up.list = list;
        box.replaceChildren(all);
        up.box = all;
    }

    var drawn = 0;
    function render(up, force) {
        var box = el(PROGRESS);
        if (!box || !up) return;
        var now = Date.now();
        if (!force && now - drawn < 100) return;  // a redraw per 0.1 s is plenty
        drawn = now;
        if (!up.box || up.box.parentNode !== box) draw(up, box);
        var rate = (up.sent - up.sentStart) / Math.max((now - up.started) / 1000, 0.001);
        up.totalText.textContent = 'Total: ' + size(up.sent) + ' dari ' + size(up.total) +
            ' (' + percent(up.sent, up.total) + '%)';
        up.rateText.textContent = up.sent > up.sentStart ? size(rate) + '/detik' : '';
        setBar(up.totalBar, up.sent, up.total);
        up.files.forEach(function (f) {
            f.stateText.textContent = f.error ? 'gagal' : f.skipped ? 'sudah ada di server' :
                size(f.done) + ' dari ' + size(f.file.size) + ' (' + percent(f.done, f.file.size) + '%)';
            f.stateText.className = 'text-nowrap' + (f.error ? ' text-danger fw-semibold' : '');
            f.errorText.textContent = f.error || '';
            setBar(f.bar, f.done, f.file.size);
        });
        if (up.current && up.current !== up.shown) {  // keep the file being sent in view
            up.shown = up.current;
            var item = up.current.item, list = up.list;
            if (item.offsetTop < list.scrollTop || item.offsetTop + item.offsetHeight > list.scrollTop + list.clientHeight) {
                list.scrollTop = item.offsetTop;  // the list is positioned (rilis.css)
            }
        }
    }

    function busy(on) {
        var cancel = el(CANCEL), input = el(INPUT);
        if (cancel) cancel.disabled = !on;
        if (input) input.disabled = on;
    }

    // --- talking to the server -------------------------------------------------------------
    function send(up, method, url, body, onProgress) {
        return new Promise(function (resolve, reject) {
            var xhr = new XMLHttpRequest();
            up.xhr = xhr;
            xhr.open(method, url);
            xhr.setRequestHeader('X-CSRFToken', csrf());
            xhr.setRequestHeader('X-Kantong-Unggah', '1');
            if (body) xhr.setRequestHeader('Content-Type', 'application/octet-stream');
            if (onProgress) xhr.upload.onprogress = function (e) { onProgress(e.loaded); };
            xhr.onload = function () {
                var answer = {};
                try { answer = JSON.parse(xhr.responseText || '{}'); } catch (e) { answer = {}; }
                resolve({status: xhr.status, body: answer});
            };
            xhr.onerror = function () { reject(new Error('Sambungan ke server terputus.')); };
            xhr.onabort = function () { reject(new Error(ABORTED)); };
            xhr.send(body || null);
        });
    }
    var ABORTED = 'dibatalkan';

    function refused(answer) {
        if (answer.status === 401) return 'Sesi login berakhir: masuk kembali, lalu pilih berkasnya lagi.';
        if (answer.status === 403 && !answer.body.pesan) return 'Akun ini tidak berwenang mengunggah rilis data.';
        return answer.body.pesan || ('Server menolak unggahan (kode ' + answer.status + ').');
    }

    // One file, chunk after chunk, from what the server already holds of it (f.done).
    function uploadFile(up, f) {
        var file = f.file;
        up.current = f;
        var base = up.url + '/' + encodeURIComponent(up.sesi) + '/' + encodeURIComponent(file.name);
        var offset = f.done, tries = 0, first = true;
        function next() {
            if (up.stopped) return Promise.reject(new Error(ABORTED));
            if (offset >= file.size && !(first && file.size === 0)) return Promise.resolve();
            first = false;
            var end = Math.min(offset + up.chunk, file.size);
            var url = base + '?offset=' + offset + '&total=' + file.size + '&diubah=' + (file.lastModified || 0);
            var before = up.sent, t0 = Date.now(), from = offset;
            return send(up, 'PUT', url, file.slice(from, end), function (loaded) {
                f.done = from + loaded;
                up.sent = before + loaded;
                render(up);
            }).then(function (answer) {
                if (answer.status === 200) {
                    offset = f.done = end;
                    up.sent = before + (end - from);
                    tries = 0;
                    var took = (Date.now() - t0) / 1000;
                    if (took > 0.05 && end > from) {  // size the next chunk to the link
                        var fit = (end - from) / took * CHUNK_SECONDS;
                        up.chunk = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, Math.floor(fit / (256 * 1024)) * 256 * 1024));
                    }
                    if (answer.body.selesai) f.complete = true;
                    render(up);
                    return next();
                }
                var held = answer.body.ukuran;
                if (answer.status === 409 && typeof held === 'number' && held <= file.size && tries < RETRIES) {
                    tries += 1;  // the server holds another size of it: carry on from there
                    up.sent = before - (from - held);
                    offset = f.done = held;
                    first = held === 0;
                    return next();
                }
                throw new Error(refused(answer));
            }, function (err) {
                if (err.message === ABORTED || tries >= RETRIES) throw err;
                tries += 1;  // a broken connection: the same chunk again, after a pause
                up.sent = before;
                f.done = from;
                return new Promise(function (resolve) { setTimeout(resolve, 1000 * tries); }).then(next);
            });
        }
        return next();
    }

    var told = 0;
    function notifyDash(up, always) {
        // The page lists the files as the server holds them: tell it to look, at most every 2 s.
        if (!always && Date.now() - told < 2000) return;
        told = Date.now();
        // The store draws nothing: the upload box tells that this page (with the store) is shown.
        if (window.dash_clientside && window.dash_clientside.set_props && el(ROOT)) {
            window.dash_clientside.set_props(STORE, {data: {sesi: up ? up.sesi : null, waktu: told}});
        }
    }

    function start(files) {
        var root = el(ROOT);
        if (!root || job || !files.length) return;
        var allowed = (root.getAttribute('data-ekstensi') || '').split(',');
        var limit = Number(root.getAttribute('data-batas')) || 0;
        var wrong = files.filter(function (file) {
            var dot = file.name.lastIndexOf('.');
            return dot < 0 || allowed.indexOf(file.name.slice(dot).toLowerCase()) < 0;
        });
        if (wrong.length) {
            say('Jenis berkas tidak diterima: ' + wrong.map(function (f) { return f.name; }).join(', ') +
                '. Yang diterima: ' + allowed.join(', ') + '.', true);
            return;
        }
        var total = files.reduce(function (n, f) { return n + f.size; }, 0);
        if (limit && total > limit) {
            say('Berkas yang dipilih berjumlah ' + size(total) + ', melampaui batas ' + size(limit) +
                ' per unggahan. Unggah sebagian saja.', true);
            return;
        }
        var up = job = {url: root.getAttribute('data-url'), sesi: null, stopped: false, xhr: null,
            chunk: FIRST_CHUNK, files: files.map(function (file) { return {file: file, done: 0}; }),
            sent: 0, sentStart: 0, total: total, started: Date.now()};
        busy(true);
        say('Mengunggah ' + files.length + ' berkas (' + size(total) + ')…');
        render(up, true);
        send(up, 'POST', up.url, null).then(function (answer) {
            if (answer.status !== 200) throw new Error(refused(answer));
            up.sesi = answer.body.sesi;
            var held = {};
            (answer.body.berkas || []).forEach(function (b) { held[b.asli] = b; });
            up.files.forEach(function (f) {  // what the server already holds of the same file
                var b = held[f.file.name];
                if (b && b.total === f.file.size && b.diubah === (f.file.lastModified || 0)) {
                    f.done = b.ukuran;
                    f.skipped = b.selesai;
                }
            });
            up.sent = up.sentStart = up.files.reduce(function (n, f) { return n + f.done; }, 0);
            up.started = Date.now();
            render(up, true);
            return up.files.reduce(function (chain, f) {
                return chain.then(function () {
                    return f.skipped ? null : uploadFile(up, f).then(function () { notifyDash(up); });
                });
            }, Promise.resolve());
        }).then(function () {
            render(up, true);
            var held = up.files.filter(function (f) { return f.skipped; }).length;
            var sent = up.files.length - held;
            say('Selesai: ' + sent + ' berkas (' + size(up.sent - up.sentStart) + ') terunggah dalam ' +
                angka((Date.now() - up.started) / 1000, 1) + ' detik' +
                (held ? '; ' + held + ' berkas yang sama sudah ada di server' : '') +
                '. Periksa jenis tiap berkas, lalu bangun rilis.');
            finish(up);
        }, function (err) {
            if (up.stopped) return;  // cancel() says what happened
            var failed = up.files.filter(function (f) { return !f.complete && !f.skipped; })[0];
            if (failed) failed.error = err.message;
            render(up, true);
            say('Unggahan berhenti: ' + err.message + ' Berkas yang sudah lengkap tetap tersimpan; pilih lagi ' +
                'berkas yang gagal untuk melanjutkannya.', true);
            finish(up);
        });
    }

    function finish(up) {
        if (job === up) job = null;
        busy(false);
        notifyDash(up, true);
    }

    function cancel() {
        var up = job;
        if (!up) return;
        up.stopped = true;
        if (up.xhr) up.xhr.abort();
        say('Membatalkan unggahan…');
        var done = function (text, bad) {
            var box = el(PROGRESS);
            if (box) box.replaceChildren();
            say(text, bad);
            finish(up);
        };
        if (!up.sesi) { done('Unggahan dibatalkan.'); return; }
        send(up, 'DELETE', up.url + '/' + encodeURIComponent(up.sesi), null).then(function (answer) {
            if (answer.status === 200) {
                done('Unggahan dibatalkan; ' + answer.body.dihapus + ' berkas yang sudah masuk dihapus dari server.');
            } else {
                done('Unggahan dihentikan, tetapi berkasnya belum terhapus: ' + refused(answer), true);
            }
        }, function (err) { done('Unggahan dihentikan, tetapi berkasnya belum terhapus: ' + err.message, true); });
    }

    // --- wiring: delegated, as the page is drawn and redrawn by Dash ------------------------
    document.addEventListener('change', function (event) {
        if (event.target && event.target.id === INPUT) {
            var files = Array.prototype.slice.call(event.target.files || []);
            event.target.value = '';  // the same files can be chosen again
            start(files);
        }
    });
    document.addEventListener('click', function (event) {
        if (event.target && event.target.closest && event.target.closest('#' + CANCEL)) cancel();
    });
    ['dragenter', 'dragover'].forEach(function (type) {
        document.addEventListener(type, function (event) {
            var root = event.target && event.target.closest && event.target.closest('#' + ROOT);
            if (!root) return;
            event.preventDefault();
            root.classList.add('seret');
        });
    });
    ['dragleave', 'drop'].forEach(function (type) {
        document.addEventListener(type, function (event) {
            var root = event.target && event.target.closest && event.target.closest('#' + ROOT);
            if (!root) return;
            event.preventDefault();
            root.classList.remove('seret');
            if (type === 'drop' && event.dataTransfer) start(Array.prototype.slice.call(event.dataTransfer.files || []));
        });
    });
    window.addEventListener('beforeunload', function (event) {
        if (job) { event.preventDefault(); event.returnValue = ''; }
    });
    var pending = false;
    new MutationObserver(function () {
        if (pending) return;
        pending = true;
        window.requestAnimationFrame(function () { pending = false; ensureInput(); });
    }).observe(document.documentElement, {childList: true, subtree: true});
    ensureInput();
})();
