"""Importing a school's existing asset ledger (资产台账): upload, map the columns, preview with
every row checked, then write everything in one transaction or nothing.

Steps are services in ``services``; ``fields`` holds the register fields and the header words
schools use, ``places`` reads 存放地点 into the place tree, ``checking`` checks rows,
``writing`` writes them in bulk with their history, ``tasks`` runs big files in the background.
"""
