"""Top-level `guichets` app: global options and the one place errors are translated."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from toolkit._version import __version__
from toolkit.cli import render
from toolkit.cli.interrupt import say_interrupted
from toolkit.cli.state import settings
from toolkit.errors import GuichetsError, ProblemsFound, disk_full, is_interrupt, no_space


class GuichetsGroup(TyperGroup):
    """Turns library errors into one line on stderr and exit 1 (traceback only with --debug)."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        # Ctrl-C while the command line is read: typer (some versions) or click would print
        # « Aborted! » and exit 1; like any other interruption it is one line and 130.
        settings.interruption_said = False  # a new run (tests call the app many times)
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:
            say_interrupted(0)
            raise typer.Exit(130) from None

    def invoke(self, ctx: Any) -> Any:
        from toolkit.workspace import Workspace

        committed = Workspace.commits
        try:
            return super().invoke(ctx)
        except ProblemsFound as e:
            if settings.debug:
                raise
            render.problems(e.problems)
            render.error(str(e))
            e.__traceback__ = None
            raise typer.Exit(1) from None
        except GuichetsError as e:
            if settings.debug:
                raise
            render.error(str(e))
            e.__traceback__ = None  # drop the frames (and the workspace objects they hold)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            say_interrupted(Workspace.commits - committed)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as e:
            if settings.debug or _is_usage_error(e):
                raise
            if is_interrupt(e):  # DuckDB stopped by Ctrl-C in the middle of a query
                say_interrupted(Workspace.commits - committed)
                raise typer.Exit(130) from None
            if no_space(e):
                render.error(str(disk_full(getattr(e, "filename", None) or _workspace_db())))
                raise typer.Exit(1) from None
            render.error(
                f"unexpected failure ({type(e).__name__}: {e}); "
                "run again with --debug and report the traceback"
            )
            raise typer.Exit(1) from None


def _workspace_db() -> Path:
    from toolkit.workspace import DB_NAME, resolve_path

    return resolve_path(settings.workspace) / DB_NAME


def _is_usage_error(e: Exception) -> bool:
    # usage errors come from the vendored click; let them through to exit 2
    return type(e).__name__ in {
        "UsageError",
        "BadParameter",
        "MissingParameter",
        "NoSuchOption",
        "BadOptionUsage",
        "BadArgumentUsage",
        "Exit",
        "Abort",
    }


app = typer.Typer(
    cls=GuichetsGroup,
    name="guichets",
    help="Evidence toolkit for saturated préfecture booking: ingest, measure, file.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"guichets {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder [env GUICHETS_WORKSPACE; default ./workspace].",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    settings.workspace = workspace
    settings.quiet = quiet
    settings.debug = debug


def _register() -> None:
    from toolkit.cli import (
        aggregate,
        applicant,
        attempts,
        capture,
        chart,
        check,
        classify,
        contact,
        deadlines,
        demo,
        documents,
        event,
        exhibits,
        export,
        indicators,
        ingest,
        letter,
        review,
        serve,
        source,
        sources,
        timeline,
        timestamp,
        workspace,
    )

    workspace.register(app)
    app.add_typer(applicant.app, name="applicant")
    contact.register(app)
    event.register(app)
    app.add_typer(ingest.app, name="ingest")
    app.add_typer(source.app, name="source")
    app.add_typer(sources.app, name="sources")
    classify.register(app)
    attempts.register(app)
    review.register(app)
    documents.register(app)
    app.add_typer(indicators.app, name="indicators")
    check.register(app)
    timeline.register(app)
    deadlines.register(app)
    app.add_typer(chart.app, name="chart")
    capture.register(app)
    timestamp.register(app)
    exhibits.register(app)
    letter.register(app)
    export.register(app)
    aggregate.register(app)
    demo.register(app)
    serve.register(app)


_register()


def main() -> None:
    """Console-script entry point."""
    if os.environ.get("GUICHETS_DEBUG"):
        settings.debug = True
    app(prog_name="guichets")


if __name__ == "__main__":  # pragma: no cover
    main()
