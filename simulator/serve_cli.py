"""`collectsim serve` (the web app) and `collectsim users` (accounts for the login mode).

Mode: with no accounts, the app starts in local single-user mode (no login, says so on screen);
once an account exists it asks for a login. --single-user / --login force either.
The app never makes a share link: CollectSim is meant to run inside a training network.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import click

from simulator.auth import ROLES, AuthError, UserDB


def decide_mode(single_user: bool | None, db: UserDB | None = None) -> str:
    """'single' or 'login': an explicit flag wins, else login exactly when accounts exist."""
    if single_user is True:
        return "single"
    if single_user is False:
        return "login"
    return "login" if (db or UserDB()).count() > 0 else "single"


def load_app_module():
    """The Gradio UI (app.py): beside the packages in a checkout, else the installed top-level module."""
    path = Path(__file__).resolve().parent.parent / "app.py"
    if path.is_file():
        if "collectsim_app" in sys.modules:
            return sys.modules["collectsim_app"]
        spec = importlib.util.spec_from_file_location("collectsim_app", path)
        module = importlib.util.module_from_spec(spec)
        assert spec.loader is not None
        sys.modules["collectsim_app"] = module  # dataclasses and pickling look modules up here
        spec.loader.exec_module(module)
        return module
    try:
        import app as module  # installed by pyproject's py-modules
    except ImportError as e:
        raise click.ClickException(
            f"the web app is not installed ({e}); pip install 'collectsim[web]'"
        ) from None
    if not hasattr(module, "build_app"):
        raise click.ClickException("an unrelated module named 'app' shadows the web app")
    return module


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="address to listen on (0.0.0.0 for a LAN)"
)
@click.option("--port", default=7860, show_default=True, type=int)
@click.option(
    "--single-user/--login",
    "single_user",
    default=None,
    help="force local single-user mode (no login) or the login mode; default: login once accounts exist",
)
@click.option(
    "--backend",
    default=None,
    help="scripted | transformers | llamacpp | openai (default: COLLECTSIM_BACKEND)",
)
@click.option(
    "--model", default=None, help="model id, path or URL for the backend (default: COLLECTSIM_MODEL)"
)
@click.option("--concurrency", default=4, show_default=True, type=int, help="calls processed at once")
@click.option("--share", is_flag=True, hidden=True, help="refused: no public share links")
def serve(
    host: str,
    port: int,
    single_user: bool | None,
    backend: str | None,
    model: str | None,
    concurrency: int,
    share: bool,
) -> None:
    """Run the web app: practice, persona studio and scorecards."""
    if share:
        raise click.ClickException(
            "public share links are disabled (call recordings and scorecards stay on your network); "
            "use --host 0.0.0.0 to serve a LAN"
        )
    if backend:
        os.environ["COLLECTSIM_BACKEND"] = backend
    if model:
        os.environ["COLLECTSIM_MODEL"] = model
    db = UserDB()
    mode = decide_mode(single_user, db)
    if mode == "login" and db.count() == 0:
        raise click.ClickException(
            "no accounts yet: create one first, e.g. `collectsim users add eva --role evaluator`"
        )
    click.echo(
        "Mode: login (accounts in " + str(db.path) + ")"
        if mode == "login"
        else "Mode: local single-user, no login (create accounts with `collectsim users add`)"
    )
    app = load_app_module()
    app.launch(mode=mode, host=host, port=port, concurrency=concurrency)


@click.group()
def users() -> None:
    """Manage web app accounts (trainee, trainer, evaluator)."""


def _password(password: str | None) -> str:
    if password is not None:
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", default=None, help="default: prompted (not echoed)")
def users_add(username: str, role: str, password: str | None) -> None:
    """Create an account."""
    try:
        UserDB().add(username, role, _password(password))
    except AuthError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"added {username} ({role})")


@users.command("list")
def users_list() -> None:
    """List accounts and roles."""
    rows = UserDB().list()
    if not rows:
        click.echo("no accounts (the web app runs in local single-user mode)")
    for r in rows:
        click.echo(f"{r['username']:24} {r['role']:10} {r['created_at']}")


@users.command("passwd")
@click.argument("username")
@click.option("--password", default=None, help="default: prompted (not echoed)")
def users_passwd(username: str, password: str | None) -> None:
    """Set a new password (signs the user out of open browsers)."""
    db = UserDB()
    if db.get(username) is None:
        raise click.ClickException(f"no such user {username!r}")
    try:
        db.set_password(username, _password(password))
    except AuthError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"password changed for {username}")


@users.command("role")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
def users_role(username: str, role: str) -> None:
    """Change an account's role (signs the user out of open browsers)."""
    try:
        UserDB().set_role(username, role)
    except AuthError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"{username} is now {role}")


@users.command("remove")
@click.argument("username")
def users_remove(username: str) -> None:
    """Delete an account (its stored sessions stay)."""
    try:
        UserDB().remove(username)
    except AuthError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"removed {username}")


if __name__ == "__main__":
    sys.exit(serve())
