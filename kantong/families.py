"""The family store: families and their members by name and address (BNBA), kept apart
from the aggregate snapshot so that the snapshot holds no personal data.

The ETL writes it beside each snapshot it builds (etl/families.py), under
KANTONG_KELUARGA (default data/keluarga/<snapshot folder name>/); the app never serves it
as a file. Only the data layer reads it, and only through the scoped store: what a
caller gets is already limited to the person asking (kantong.data.current_principal).

The columns (the contract between the ETL, the lists and the importer):

keluarga (one row per loaded P3KE family)
    id_keluarga      str   the P3KE family ID, as in the export
    kode_desa        str   dotted Kemendagri code of the nagari/desa (13.06.01.2001)
    alamat           str?  address as in the export
    nama_kepala      str?  head of family's name
    nik_kepala       str?  head's NIK, 16 digits when valid, else None
    jenis_kelamin_kepala str? "L" or "P"
    desil            int   1..4
    di_dtks, bansos, pkh, sembako, pbi                                     bool
    rumah_tidak_layak, air_tidak_layak, tanpa_jamban, risiko_stunting, lantai_tanah   bool
    jiwa, balita, anak, lansia, disabilitas                                int

anggota (one row per loaded member)
    id_keluarga      str
    id_individu      str?
    nik              str?  16 digits when valid, else None
    nama             str?
    jenis_kelamin    str?  "L" or "P"
    tanggal_lahir    date?
    umur             int?  at the snapshot's reference date
    hubungan         str?  relationship to the head, as in the export
"""
