"""``perfxl serve``: the same check in a web page, for people who never open a terminal.

Routes only (``app.py``): an upload is read to a private folder (``uploads.py``, ``store.py``),
checked by a worker process through the pipeline (``pool.py``, ``tasks.py``) and shown by a
view of the same report the terminal prints (``perfxl/views/page.py``). ``server.py`` starts it.
"""
