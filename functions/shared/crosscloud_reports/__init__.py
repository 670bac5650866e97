"""The reports bucket seen as ISO-week periods and their files, shared by the report and the API.

The report function writes a period's files and then its manifest; the API lists the
periods that have a manifest and signs fresh links to their files. Both go through the
same code here, over whatever object store the function has (anything with the
``list``/``put``/``download_url`` of the API's ObjectStore), so this package imports no
cloud library and no other function's code.
"""
