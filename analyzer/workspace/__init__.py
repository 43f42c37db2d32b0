"""The coach workspace: a web app and JSON API in one server where coaches review their candidates' sessions.

``interview-analyzer serve`` runs it (FastAPI on uvicorn, Jinja templates, SQLAlchemy with Alembic
migrations; SQLite in the data folder by default, PostgreSQL with ``--database``). Modules:

* :mod:`.db` – tables, engine and migrations;        * :mod:`.auth` – passwords, logins, CSRF, roles;
* :mod:`.uploads` – storing uploads safely;            * :mod:`.jobs` – analysis in batch worker processes;
* :mod:`.reviews` – verdicts, comments, exports;       * :mod:`.pages` and :mod:`.api` – the routes;
* :mod:`.app` – the application;                       * :mod:`.commands` – ``serve`` and ``users``.

Needs the ``workspace`` extra: ``pip install "interview-analyzer[workspace]"``.
"""
