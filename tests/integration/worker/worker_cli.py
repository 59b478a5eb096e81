"""The runtime commands mounted the way app.py mounts them, runnable as a script.

python worker_cli.py worker --burst ...   (PYTHONPATH must hold the tests/ directory, so that
                                           worker processes can import the test handlers)
"""

from __future__ import annotations

import typer

from scoreline.cli.runtime_commands import db_app, jobs_app, worker

app = typer.Typer(add_completion=False)
app.command()(worker)
app.add_typer(jobs_app, name="jobs")
app.add_typer(db_app, name="db")

if __name__ == "__main__":
    app()
