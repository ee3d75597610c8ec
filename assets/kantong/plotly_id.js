/* Plotly in Indonesian, for every graph of the app: the toolbar (modebar: its buttons'
   tooltips and aria-labels), its messages and dates, as locale "id"; and no "Share chart..."
   button, which would upload the chart to Plotly's cloud (the app is offline: the button did
   nothing visible; the view's link is the page's address).

   Dash loads plotly.js (the plotly package's bundle, v4.x with dash 4) only when the first
   graph mounts, after this script has run. So the locale and the defaults are applied the
   moment plotly.js makes itself window.Plotly, before that graph is drawn. */
(function () {
  'use strict';

  var LOCALE = {
    moduleType: 'locale',
    name: 'id',
    dictionary: {
      'Autoscale': 'Skala otomatis',
      'Box Select': 'Pilih dengan kotak',
      'Cancel': 'Batal',
      'Click to enter Colorscale title': 'Klik untuk mengisi judul skala warna',
      'Click to enter Component A title': 'Klik untuk mengisi judul komponen A',
      'Click to enter Component B title': 'Klik untuk mengisi judul komponen B',
      'Click to enter Component C title': 'Klik untuk mengisi judul komponen C',
      'Click to enter Plot subtitle': 'Klik untuk mengisi subjudul grafik',
      'Click to enter Plot title': 'Klik untuk mengisi judul grafik',
      'Click to enter radial axis title': 'Klik untuk mengisi judul sumbu radial',
      'Click to enter X axis title': 'Klik untuk mengisi judul sumbu X',
      'Click to enter Y axis title': 'Klik untuk mengisi judul sumbu Y',
      'Compare data on hover': 'Bandingkan data di bawah penunjuk',
      'Double-click on legend to isolate one trace': 'Klik dua kali pada legenda untuk menampilkan satu seri saja',
      'Double-click to zoom back out': 'Klik dua kali untuk kembali ke tampilan semula',
      'Download plot': 'Unduh grafik',
      'Download plot as a PNG': 'Unduh grafik sebagai PNG',
      'Download plot as JSON': 'Unduh grafik sebagai JSON',
      'Draw circle': 'Gambar lingkaran',
      'Draw closed freeform': 'Gambar bentuk bebas tertutup',
      'Draw line': 'Gambar garis',
      'Draw open freeform': 'Gambar bentuk bebas terbuka',
      'Draw rectangle': 'Gambar persegi panjang',
      'Erase active shape': 'Hapus bentuk yang dipilih',
      "If you don't have a Plotly Cloud account yet, you'll have a chance to create one.":
        'Bila belum memiliki akun Plotly Cloud, Anda dapat membuatnya.',
      'Image download succeeded': 'Gambar berhasil diunduh',
      'JSON download succeeded': 'JSON berhasil diunduh',
      'Lasso Select': 'Pilih dengan laso',
      'Orbital rotation': 'Putar mengorbit',
      'Pan': 'Geser',
      'Preparing image - this may take a few seconds': 'Menyiapkan gambar, mungkin perlu beberapa detik',
      'Produced with Plotly.js': 'Dibuat dengan Plotly.js',
      'Reset': 'Kembalikan',
      'Reset axes': 'Kembalikan sumbu',
      'Reset camera to default': 'Kembalikan kamera ke awal',
      'Reset camera to last save': 'Kembalikan kamera ke simpanan terakhir',
      'Reset view': 'Kembalikan tampilan',
      'Reset views': 'Kembalikan semua tampilan',
      'Share': 'Bagikan',
      'Share chart': 'Bagikan grafik',
      'Share chart...': 'Bagikan grafik…',
      'Show closest data on hover': 'Tampilkan data terdekat dari penunjuk',
      'Snapshot succeeded': 'Gambar berhasil dibuat',
      'Sorry, there was a problem downloading your image!': 'Maaf, gambar gagal diunduh.',
      'Sorry, there was a problem downloading your JSON file!': 'Maaf, berkas JSON gagal diunduh.',
      'Taking snapshot - this may take a few seconds': 'Membuat gambar, mungkin perlu beberapa detik',
      'This chart will be sent to {serverUrl}.': 'Grafik ini akan dikirim ke {serverUrl}.',
      'Toggle Spike Lines': 'Tampilkan atau sembunyikan garis bantu',
      'Toggle show closest data on hover': 'Tampilkan atau sembunyikan data terdekat dari penunjuk',
      'Turntable rotation': 'Putar seperti meja putar',
      'Zoom': 'Perbesar bagian',
      'Zoom in': 'Perbesar',
      'Zoom out': 'Perkecil',
      'trace': 'seri',
      'lat': 'lintang',
      'lon': 'bujur'
    },
    format: {
      days: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
      shortDays: ['Min', 'Sen', 'Sel', 'Rab', 'Kam', 'Jum', 'Sab'],
      months: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September',
        'Oktober', 'November', 'Desember'],
      shortMonths: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
      date: '%d/%m/%Y',
      decimal: ',',
      thousands: '.',
      currency: ['Rp', '']
    }
  };
  // Defaults of every graph; a graph's own config still wins.
  var DEFAULTS = { locale: 'id', showSendToCloud: false, showEditInChartStudio: false };

  function apply(plotly) {
    plotly.register(LOCALE);
    plotly.setPlotConfig(DEFAULTS);
  }

  window.kantongPlotlyLocale = LOCALE; // read by the browser tests
  if (window.Plotly) {
    apply(window.Plotly);
    return;
  }
  Object.defineProperty(window, 'Plotly', {
    configurable: true,
    enumerable: true,
    get: function () { return undefined; },
    set: function (plotly) {
      // From now on an ordinary property again, holding plotly.js.
      Object.defineProperty(window, 'Plotly', { value: plotly, writable: true, configurable: true, enumerable: true });
      apply(plotly);
    }
  });
}());
