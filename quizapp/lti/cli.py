"""`flask --app quizapp lti ...`: register platforms, rotate the tool's key, resend grades."""

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from quizapp.cli import needs_schema
from quizapp.lti import keys
from quizapp.services import lti, lti_grades

lti_cli = AppGroup("lti", help="LTI 1.3: connect quizapp to an LMS.")


@lti_cli.command("add-platform")
@needs_schema
@click.option("--issuer", required=True, help="The platform's issuer (iss), e.g. its address.")
@click.option("--client-id", required=True, help="The client id the LMS gave the tool.")
@click.option("--deployment-id", required=True, help="The deployment id the LMS gave the tool.")
@click.option("--auth-login-url", required=True, help="The LMS's OIDC authentication URL.")
@click.option("--auth-token-url", required=True, help="The LMS's OAuth 2 access token URL.")
@click.option("--keyset-url", required=True, help="The LMS's public keyset (JWKS) URL.")
def add_platform(**values: str) -> None:
    """Register an LMS, or add a deployment to one; running it again changes nothing."""
    try:
        result = lti.register_platform(**values)
    except lti.RegistrationError as error:
        raise click.ClickException(str(error)) from None
    platform = result.platform
    if result.created:
        click.echo(f"Registered the platform {platform.issuer} (client id {platform.client_id}).")
    elif result.changed:
        click.echo(f"Updated the platform {platform.issuer}: {', '.join(result.changed)}.")
    else:
        click.echo(f"The platform {platform.issuer} was already registered.")
    deployment = values["deployment_id"]
    click.echo(
        f"Deployment {deployment}: {'added' if result.deployment_added else 'already there'}."
    )
    click.echo(f"Deployments: {', '.join(d.deployment_id for d in platform.deployments)}.")
    _echo_tool_urls()


def _echo_tool_urls() -> None:
    # Addresses can be made outside a request only when the server's name is configured.
    if not current_app.config.get("SERVER_NAME"):
        click.echo("The addresses to give the LMS are on the administrator's LMS page.")
        return
    for label, address in tool_addresses().items():
        click.echo(f"{label}: {address}")


def tool_addresses() -> dict[str, str]:
    """What to paste into the LMS, by the names LMSs use for them."""
    launch = url_for("lti.launch", _external=True)
    return {
        "OIDC login URL (initiate login)": url_for("lti.login", _external=True),
        "Launch URL (target link URI, redirect URI)": launch,
        "Deep linking URL": launch,
        "Public JWK set URL (keyset)": url_for("lti.jwks", _external=True),
    }


@lti_cli.command("rotate-key")
def rotate_key() -> None:
    """Add a new signing key; the old ones stay published until retired."""
    key = keys.add_key(keys.directory_of(current_app))
    click.echo(f"New signing key {key.kid}; it signs from now on.")
    click.echo("Keep the old keys for a day, then: flask --app quizapp lti retire-key --kid KID")
    click.echo(f"Keys (oldest first): {', '.join(keys.key_ids(keys.directory_of(current_app)))}")


@lti_cli.command("retire-key")
@click.option("--kid", required=True, help="The key's id, as rotate-key and /lti/jwks show it.")
def retire_key(kid: str) -> None:
    """Stop publishing an old signing key."""
    try:
        keys.retire_key(keys.directory_of(current_app), kid)
    except keys.KeyProblem as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Key {kid} retired. Keys: {', '.join(keys.key_ids(keys.directory_of(current_app)))}"
    )


@lti_cli.command("send-grades")
@needs_schema
def send_grades() -> None:
    """Queue every grade not yet in the LMS (e.g. from cron, after the queue was down)."""
    ids = lti_grades.unsent_ids()
    if ids:
        lti_grades.queue_send(ids)
    click.echo(f"{len(ids)} grade(s) queued to send.")
