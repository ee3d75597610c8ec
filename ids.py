"""Component IDs: one name for each, shared by layouts, callbacks, the page registry and tests.

The browser scripts in assets/kantong/ cannot import this module; where they name an ID they
say which constant it is (`// ids.GRID_PERINGKAT`), so a rename here is found by grep there.
"""

AKAR = "akar"
ATURAN = "aturan"
ATURAN_ANGGARAN = "aturan-anggaran"
ATURAN_BIAYA = "aturan-biaya"
ATURAN_K = "aturan-k"
ATURAN_KK = "aturan-kk"
ATURAN_N = "aturan-n"
CAKUPAN = "cakupan"
CAKUPAN_TEKS = "cakupan-teks"
CARI = "cari"
GRID_PERINGKAT = "grid-peringkat"
GRID_TARGET = "grid-target"
GRID_TERISI = "grid-terisi"
HALAMAN = "halaman"
INDIKATOR = "indikator"
INFO_SNAPSHOT = "info-snapshot"
JEJAK = "jejak"
JUDUL_PETA = "judul-peta"
KLASIFIKASI = "klasifikasi"
LEGENDA = "legenda"
MULAI_PRESENTASI = "mulai-presentasi"
PERINGKAT = "peringkat"
PETA = "peta"
PETA_PAS = "peta-pas"
PETA_PRIORITAS = "peta-prioritas"
PETA_PRIORITAS_TAMPIL = "peta-prioritas-tampil"
PETA_TAMPIL = "peta-tampil"
PILIH_TERAPKAN = "pilih-terapkan"
PILIHAN = "pilihan"
PRESENTASI_ANGKA = "presentasi-angka"
PRESENTASI_AWAL = "presentasi-awal"
PRESENTASI_HITUNG = "presentasi-hitung"
PRESENTASI_JUDUL = "presentasi-judul"
PRESENTASI_KE = "presentasi-ke"
PRESENTASI_LAYAR_PENUH = "presentasi-layar-penuh"
PRESENTASI_LEGENDA = "presentasi-legenda"
PRESENTASI_MAJU = "presentasi-maju"
PRESENTASI_MUNDUR = "presentasi-mundur"
PRESENTASI_PARAM = "presentasi-param"
PRESENTASI_PAS = "presentasi-pas"
PRESENTASI_PETA = "presentasi-peta"
PRESENTASI_POSISI = "presentasi-posisi"
PRESENTASI_SUBJUDUL = "presentasi-subjudul"
PRESENTASI_TAMPIL = "presentasi-tampil"
PRESET = "preset"
PROFIL = "profil"
PROFIL_CATATAN_DISABILITAS = "profil-catatan-disabilitas"
PROFIL_PERINGKAT = "profil-peringkat"
RAKOR_BUAT = "rakor-buat"
RAKOR_HASIL = "rakor-hasil"
RAKOR_INDIKATOR = "rakor-indikator"
RAKOR_PRESENTASI = "rakor-presentasi"
RAKOR_PROGRES = "rakor-progres"
RAKOR_PROGRES_WADAH = "rakor-progres-wadah"
RAKOR_RENCANA = "rakor-rencana"
RAKOR_STATUS = "rakor-status"
RENCANA_BUKA = "rencana-buka"
RENCANA_DAFTAR = "rencana-daftar"
RENCANA_DUPLIKAT = "rencana-duplikat"
RENCANA_HAPUS = "rencana-hapus"
RENCANA_ID = "rencana-id"
RENCANA_NAMA = "rencana-nama"
RENCANA_PENULIS = "rencana-penulis"
RENCANA_PESAN = "rencana-pesan"
RENCANA_REVISI = "rencana-revisi"
RENCANA_SIMPAN = "rencana-simpan"
RENCANA_TERSIMPAN = "rencana-tersimpan"
RINCIAN_ISI = "rincian-isi"
RINCIAN_KODE = "rincian-kode"
RINCIAN_SKOR = "rincian-skor"
SARING_KABKOTA = "saring-kabkota"
SKOR_BARU = "skor-baru"
SKOR_TERAPKAN = "skor-terapkan"
SUMBER = "sumber"
TANPA_POLIGON = "tanpa-poligon"
TERAPKAN = "terapkan"
TINGKAT = "tingkat"
UNDUH = "unduh"
UNDUH_PETA_BERKAS = "unduh-peta-berkas"
URL = "url"
URL_PETA = "url-peta"
WARNA = "warna"

# Types of pattern-matching IDs ({"type": …, …}).
BOBOT = "bobot"
BUKA = "buka"
UNDUH_PETA = "unduh-peta"
UNDUH_PRIORITAS = "unduh-prioritas"


def rakor_unduh(ext: str) -> str:
    """The download link of one built Paket Rakor file (pptx or pdf)."""
    return f"rakor-unduh-{ext}"


# The Prioritas page's draft and target checks, and the plan the Paket Rakor uses.
RAKOR_RENCANA_INFO = "rakor-rencana-info"
RENCANA_BUANG = "rencana-buang"  # "Buang draf"
RENCANA_BUANG_KONFIRMASI = "rencana-buang-konfirmasi"
RENCANA_DASAR = "rencana-dasar"  # the state the draft is compared with (memory)
RENCANA_DRAF = "rencana-draf"  # the draft, in the browser's localStorage under this key
RENCANA_DRAF_AWAL = "rencana-draf-awal"  # the draft as read once when the page opens
RENCANA_DRAF_STATUS = "rencana-draf-status"
TARGET_PERIKSA = "target-periksa"  # out-of-range targets, in words

# The admin page: accounts and the audit log.
ADMIN_AKUN_TABEL = "admin-akun-tabel"
ADMIN_AKUN_NAMA = "admin-akun-nama"
ADMIN_AKUN_PERAN = "admin-akun-peran"
ADMIN_AKUN_WILAYAH = "admin-akun-wilayah"
ADMIN_AKUN_SANDI = "admin-akun-sandi"
ADMIN_AKUN_BUAT = "admin-akun-buat"
ADMIN_AKUN_PILIH = "admin-akun-pilih"
ADMIN_AKUN_AKSI = "admin-akun-aksi"
ADMIN_AKUN_JALANKAN = "admin-akun-jalankan"
ADMIN_AKUN_PESAN = "admin-akun-pesan"
ADMIN_AUDIT_DARI = "admin-audit-dari"
ADMIN_AUDIT_SAMPAI = "admin-audit-sampai"
ADMIN_AUDIT_AKUN = "admin-audit-akun"
ADMIN_AUDIT_AKSI = "admin-audit-aksi"
ADMIN_AUDIT_WILAYAH = "admin-audit-wilayah"
ADMIN_AUDIT_TAMPIL = "admin-audit-tampil"
ADMIN_AUDIT_TABEL = "admin-audit-tabel"
ADMIN_AUDIT_RANTAI = "admin-audit-rantai"
ADMIN_AUDIT_UNDUH = "admin-audit-unduh"
ADMIN_AUDIT_BERKAS = "admin-audit-berkas"
KELUAR = "keluar"  # the logout button in the bar
CAKUPAN_SKOR = "cakupan-skor"  # an operator's scores are scaled within their kab/kota
PETA_AWAL = "peta-awal"  # the map as a picture until the interactive map is ready
# Verval & asesmen page (layouts/verval.py, callbacks/verval.py)
VERVAL_RENCANA = "verval-rencana"
VERVAL_NAGARI = "verval-nagari"
VERVAL_PER_DESA = "verval-per-desa"
VERVAL_BENIH = "verval-benih"
VERVAL_NIK = "verval-nik"
VERVAL_ALASAN = "verval-alasan"
VERVAL_ALASAN_WADAH = "verval-alasan-wadah"
VERVAL_BUAT = "verval-buat"
VERVAL_BERKAS = "verval-berkas"
VERVAL_DAFTAR_HASIL = "verval-daftar-hasil"
VERVAL_UNGGAH = "verval-unggah"
VERVAL_IMPOR_HASIL = "verval-impor-hasil"
VERVAL_REKAP = "verval-rekap"
VERVAL_TINDAK_USULAN = "verval-tindak-usulan"  # download: families proposed into DTKS
VERVAL_TINDAK_KEBUTUHAN = "verval-tindak-kebutuhan"  # download: families per need
VERVAL_TINDAK_NIK = "verval-tindak-nik"
VERVAL_TINDAK_ALASAN = "verval-tindak-alasan"
VERVAL_TINDAK_ALASAN_WADAH = "verval-tindak-alasan-wadah"
VERVAL_TINDAK_BERKAS = "verval-tindak-berkas"
VERVAL_TINDAK_PESAN = "verval-tindak-pesan"
# Verval & asesmen, card "4. Tindak lanjut" (follow-ups: programmes that take up the needs)
VERVAL_TL_MUAT = "verval-tl-muat"  # present on load: fills the tables of open needs and follow-ups
VERVAL_TL_NAGARI = "verval-tl-nagari"
VERVAL_TL_KELUARGA = "verval-tl-keluarga"
VERVAL_TL_KEBUTUHAN = "verval-tl-kebutuhan"
VERVAL_TL_PROGRAM = "verval-tl-program"
VERVAL_TL_JENIS = "verval-tl-jenis"
VERVAL_TL_PENYEDIA = "verval-tl-penyedia"
VERVAL_TL_SUMBER = "verval-tl-sumber"
VERVAL_TL_STATUS = "verval-tl-status"
VERVAL_TL_TANGGAL = "verval-tl-tanggal"
VERVAL_TL_KETERANGAN = "verval-tl-keterangan"
VERVAL_TL_SIMPAN = "verval-tl-simpan"
VERVAL_TL_PESAN = "verval-tl-pesan"
VERVAL_TL_TEMPLAT = "verval-tl-templat"  # download the template pre-filled with the open needs
VERVAL_TL_TEMPLAT_BERKAS = "verval-tl-templat-berkas"
VERVAL_TL_TEMPLAT_PESAN = "verval-tl-templat-pesan"
VERVAL_TL_UNGGAH = "verval-tl-unggah"
VERVAL_TL_IMPOR_HASIL = "verval-tl-impor-hasil"
VERVAL_TL_BELUM = "verval-tl-belum"  # needs nobody has taken up yet
VERVAL_TL_DAFTAR = "verval-tl-daftar"  # the follow-ups recorded
VERVAL_NAGARI_TERPILIH = "verval-nagari-terpilih"  # the chosen nagari, named in full under the field
# --- prioritas: progress of plans (kemajuan)
KEMAJUAN_RENCANA = "kemajuan-rencana"  # the saved plan measured
KEMAJUAN_RILIS = "kemajuan-rilis"  # the later release it is measured against
KEMAJUAN_TINGKAT = "kemajuan-tingkat"  # per kab/kota or per nagari
KEMAJUAN_RINGKASAN = "kemajuan-ringkasan"
KEMAJUAN_GRID = "kemajuan-grid"
KEMAJUAN_CATATAN = "kemajuan-catatan"
KEMAJUAN_UNDUH = "kemajuan-unduh"
KEMAJUAN_BERKAS = "kemajuan-berkas"
# --- perbandingan: comparison between releases
BANDING_URL = "banding-url"  # the page's own view of the address (kantong.comparisons.ComparisonView)
BANDING_A = "banding-a"  # release A (the earlier)
BANDING_B = "banding-b"  # release B (the later)
BANDING_INDIKATOR = "banding-indikator"
BANDING_TINGKAT = "banding-tingkat"
BANDING_WILAYAH = "banding-wilayah"  # the province or a kab/kota
BANDING_JUDUL = "banding-judul"
BANDING_PETA = "banding-peta"
BANDING_PETA_CATATAN = "banding-peta-catatan"  # regions the map cannot draw
BANDING_PAS = "banding-pas"  # the map fitted to its regions in the browser (callbacks/perbandingan.py)
BANDING_LEGENDA = "banding-legenda"
BANDING_RINGKASAN = "banding-ringkasan"  # the headline; present once a comparison is shown
BANDING_MATRIKS = "banding-matriks"  # the desil from -> to matrix
BANDING_TIDAK_COCOK = "banding-tidak-cocok"  # unmatched region codes
BANDING_PERUBAHAN_JUDUL = "banding-perubahan-judul"
BANDING_GRID_PERUBAHAN = "banding-grid-perubahan"  # per-region changes of the indicator
BANDING_TRANSISI_JUDUL = "banding-transisi-judul"
BANDING_GRID_TRANSISI = "banding-grid-transisi"  # family transitions per region
BANDING_UNDUH_PETA = "banding-unduh-peta"  # pattern type: the map as PNG, SVG or PDF
BANDING_UNDUH_PETA_BERKAS = "banding-unduh-peta-berkas"
BANDING_UNDUH_TABEL = "banding-unduh-tabel"  # pattern type: the tables as one xlsx
BANDING_UNDUH_TABEL_BERKAS = "banding-unduh-tabel-berkas"
# --- rilis: data releases
# Rilis data page (layouts/rilis.py, callbacks/rilis.py, assets/kantong/unggah.js)
RILIS_UNGGAH = "rilis-unggah"  # the upload box; unggah.js reads its data-url
RILIS_BERKAS_WADAH = "rilis-berkas-wadah"  # unggah.js puts the <input type=file multiple> here
RILIS_BERKAS_INPUT = "rilis-berkas-input"  # that input (made by unggah.js, not by Dash)
RILIS_UNGGAH_BATAL = "rilis-unggah-batal"  # "Batalkan": stops the upload, deletes what arrived
RILIS_UNGGAH_PROGRES = "rilis-unggah-progres"  # progress bars, drawn by unggah.js
RILIS_UNGGAH_STATUS = "rilis-unggah-status"  # what the upload is doing, in words
RILIS_SESI = "rilis-sesi"  # unggah.js sets it when files have arrived (dash_clientside.set_props)
RILIS_BERKAS = "rilis-berkas"  # the uploaded files and their kinds
RILIS_JENIS = "rilis-jenis"  # pattern type: one file's kind ({"type", "berkas"})
RILIS_NAMA = "rilis-nama"
RILIS_TANGGAL = "rilis-tanggal"
RILIS_BANGUN = "rilis-bangun"
RILIS_BANGUN_PESAN = "rilis-bangun-pesan"
RILIS_TUGAS = "rilis-tugas"  # the build job's id
RILIS_TUGAS_PANEL = "rilis-tugas-panel"  # its step and progress bar
RILIS_PROGRES = "rilis-progres"
RILIS_INTERVAL = "rilis-interval"  # polls the job while it runs
RILIS_PERIKSA = "rilis-periksa"  # the staging release whose quality report is shown
RILIS_LAPORAN = "rilis-laporan"
RILIS_AKSI = "rilis-aksi"  # pattern type: an action on a release ({"type", "aksi", "nama"})
RILIS_KONFIRMASI = "rilis-konfirmasi"  # the confirmation dialog
RILIS_KONFIRMASI_TEKS = "rilis-konfirmasi-teks"
RILIS_KONFIRMASI_AKSI = "rilis-konfirmasi-aksi"  # the action waiting for it
RILIS_KONFIRMASI_YA = "rilis-konfirmasi-ya"
RILIS_KONFIRMASI_BATAL = "rilis-konfirmasi-batal"
RILIS_PESAN = "rilis-pesan"  # the outcome of an action
RILIS_DAFTAR = "rilis-daftar"  # the release list
