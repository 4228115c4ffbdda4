"""The `copilot` command line (Typer + rich), one module per subject.

    common        settings, store, consoles, JSON printing, confirmation, shared options
    render        analyses, agendas and meeting lists for people (rich)
    analyze agenda meetings people commitments topics voiceprint report search serve
    application   the app, its one registration list, `run()` (errors -> exit codes), `main()`

`copilot.cli:main` is the console script; `python -m copilot.cli` runs the same.
"""

from copilot.cli.application import app, main, run

__all__ = ["app", "main", "run"]
