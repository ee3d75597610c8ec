"""Field verification and assessment (verval dan asesmen): lists of families to visit in
the priority nagari, the forms to fill (xlsx, PDF, XLSForm for ODK/Kobo), and the import of
their answers.

Family data comes only from the family store (kantong.families), through the scoped data
layer; it never leaves the server except in a list file asked for by a person allowed to
have it, and every list made and every import is written to the audit log.
"""
