"""LTI 1.3 on the tool's side: registering platforms, the OIDC log-in, and what a checked
launch does here (accounts, classes, enrolments, the assignment a link opens)."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.lti.messages import DEEP_LINKING_REQUEST, Launch, LaunchError
from quizapp.models import (
    Assignment,
    Attempt,
    Classroom,
    Enrollment,
    Question,
    QuestionVersion,
    Role,
    User,
)
from quizapp.models.lti import (
    LtiContext,
    LtiDeployment,
    LtiLogin,
    LtiPlatform,
    LtiResourceLink,
    LtiUser,
)
from quizapp.models.user import AccountStatus
from quizapp.refusals import Refusal
from quizapp.services.accounts import create_user
from quizapp.services.classrooms import JoinRefused, create_classroom, enrol, free_username

LOGIN_VALID_FOR = timedelta(minutes=10)
# The custom parameter a deep-linked resource link carries, naming its assignment.
ASSIGNMENT_PARAMETER = "quizapp_assignment"
# No password can match this: accounts made by a launch log in only through the LMS.
NO_PASSWORD = "!lti"
LOGIN_PARAMETERS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "client_id",
    "lti_deployment_id",
)


class RegistrationError(Refusal):
    """A platform registration that cannot be saved; the message says which value is wrong."""


class LinkError(Refusal):
    """An account that cannot be linked; the message says why."""


@dataclass
class Registration:
    platform: LtiPlatform
    created: bool
    changed: list[str] = field(default_factory=list)
    deployment_added: bool = False


def _check_url(name: str, value: str) -> str:
    value = (value or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RegistrationError(f"{name} must be a web address (https://...), not {value!r}.")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise RegistrationError(f"{name} must use https: {value!r}.")
    if len(value) > 500:
        raise RegistrationError(f"{name} is longer than 500 characters.")
    return value


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_id(name: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RegistrationError(f"{name} is empty.")
    if len(value) > 255:
        raise RegistrationError(f"{name} is longer than 255 characters.")
    return value


def register_platform(
    *,
    issuer: str,
    client_id: str,
    deployment_id: str,
    auth_login_url: str,
    auth_token_url: str,
    keyset_url: str,
) -> Registration:
    """Add a platform and deployment, or update one registered before; safe to repeat."""
    issuer = _check_url("The issuer", _check_id("The issuer", issuer))
    client_id = _check_id("The client id", client_id)
    deployment_id = _check_id("The deployment id", deployment_id)
    urls = {
        "auth_login_url": _check_url("The authentication (log-in) URL", auth_login_url),
        "auth_token_url": _check_url("The access token URL", auth_token_url),
        "keyset_url": _check_url("The keyset URL", keyset_url),
    }
    platform = db.session.scalar(
        sa.select(LtiPlatform).where(
            LtiPlatform.issuer == issuer, LtiPlatform.client_id == client_id
        )
    )
    result = Registration(platform=platform, created=platform is None)
    if platform is None:
        platform = result.platform = LtiPlatform(issuer=issuer, client_id=client_id, **urls)
        db.session.add(platform)
    else:
        for name, value in urls.items():
            if getattr(platform, name) != value:
                setattr(platform, name, value)
                result.changed.append(name)
    if deployment_id not in {d.deployment_id for d in platform.deployments}:
        platform.deployments.append(LtiDeployment(deployment_id=deployment_id))
        result.deployment_added = True
    db.session.flush()
    return result


def platforms() -> list[LtiPlatform]:
    return list(db.session.scalars(sa.select(LtiPlatform).order_by(LtiPlatform.issuer)))


def begin_login(params: Mapping[str, str], *, launch_url: str, now: datetime) -> tuple[str, str]:
    """Start the OIDC log-in a platform asks for: the state to keep in a cookie, and the
    platform's authorisation address to send the browser to."""
    issuer = (params.get("iss") or "").strip()
    login_hint = params.get("login_hint")
    if not issuer or not login_hint:
        raise LaunchError("The log-in request needs the iss and login_hint parameters.")
    target = params.get("target_link_uri") or ""
    if urlsplit(target).netloc != urlsplit(launch_url).netloc:
        raise LaunchError("The log-in request's target_link_uri is not an address of this tool.")
    query = sa.select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id := params.get("client_id"):
        query = query.where(LtiPlatform.client_id == client_id)
    found = db.session.scalars(query).all()
    if not found:
        raise LaunchError(
            f"The platform {issuer!r} is not registered here"
            f"{' with the client id ' + repr(client_id) if client_id else ''}: "
            "the school's administrator registers it in quizapp first."
        )
    if len(found) > 1:
        raise LaunchError(
            f"The platform {issuer!r} is registered more than once: its log-in request must "
            "name the client_id."
        )
    platform = found[0]
    deployment = params.get("lti_deployment_id")
    if deployment and deployment not in {d.deployment_id for d in platform.deployments}:
        raise LaunchError(f"The deployment {deployment!r} is not registered for this platform.")
    db.session.execute(sa.delete(LtiLogin).where(LtiLogin.created_at < now - LOGIN_VALID_FOR))
    login = LtiLogin(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        platform_id=platform.id,
        login_query=urlencode({k: params[k] for k in LOGIN_PARAMETERS if params.get(k)}),
        created_at=now,
    )
    db.session.add(login)
    db.session.flush()
    authorise = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": launch_url,
        "login_hint": login_hint,
        "state": login.state,
        "nonce": login.nonce,
    }
    if hint := params.get("lti_message_hint"):
        authorise["lti_message_hint"] = hint
    separator = "&" if urlsplit(platform.auth_login_url).query else "?"
    return login.state, f"{platform.auth_login_url}{separator}{urlencode(authorise)}"


@dataclass(frozen=True)
class PendingLaunch:
    """What a launch's state names, read before the platform's key set is fetched."""

    login_id: int
    login_query: str
    used: bool
    issuer: str
    client_id: str
    keyset_url: str
    deployments: frozenset[str]


def pending_launch(state: str, now: datetime) -> PendingLaunch:
    """The log-in a launch answers; LaunchError when there is none (any more)."""
    row = db.session.execute(
        sa.select(LtiLogin, LtiPlatform)
        .join(LtiPlatform, LtiPlatform.id == LtiLogin.platform_id)
        .where(LtiLogin.state == state)
    ).first()
    if row is None or row[0].created_at < now - LOGIN_VALID_FOR:
        raise LaunchError(
            "This launch was not started here, or it is too old: please open the link in the "
            "LMS again."
        )
    login, platform = row
    return PendingLaunch(
        login_id=login.id,
        login_query=login.login_query,
        used=login.used_at is not None,
        issuer=platform.issuer,
        client_id=platform.client_id,
        keyset_url=platform.keyset_url,
        deployments=frozenset(d.deployment_id for d in platform.deployments),
    )


@dataclass
class Landing:
    """Where a launch ends: the user to log in, and what they see next."""

    user: User
    classroom: Classroom
    context: LtiContext
    link: LtiResourceLink | None
    deep_linking: bool


def complete_launch(pending: PendingLaunch, launch: Launch, now: datetime) -> Landing:
    """Use up the log-in's nonce, then find or make the account, class and link the launch is
    for. A second launch with the same token (a replay) is refused here."""
    login = db.session.get(LtiLogin, pending.login_id)
    if login is None or not secrets.compare_digest(login.nonce, launch.claims["nonce"]):
        raise LaunchError("The launch token's nonce does not match the log-in it answers.")
    used = db.session.execute(
        sa.update(LtiLogin)
        .where(LtiLogin.id == login.id, LtiLogin.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not used:
        raise LaunchError("This launch was already used: a launch token works only once.")
    deployment = db.session.scalar(
        sa.select(LtiDeployment).where(
            LtiDeployment.platform_id == login.platform_id,
            LtiDeployment.deployment_id == launch.deployment_id,
        )
    )
    if launch.is_instructor:
        role = Role.TEACHER
    elif launch.is_learner:
        role = Role.STUDENT
    else:
        raise LaunchError(
            "Your role in this course is neither instructor nor learner, so quizapp has no "
            "page for it."
        )
    deep_linking = launch.message_type == DEEP_LINKING_REQUEST
    if deep_linking and role != Role.TEACHER:
        raise LaunchError("Only an instructor can choose a quiz for the course.")
    user = _account(login.platform_id, launch, role, now)
    context = _context(deployment, launch, user, now)
    link = None if deep_linking else _resource_link(context, launch)
    if role == Role.STUDENT:
        try:
            enrol(user, context.classroom)
        except JoinRefused as refused:
            raise LaunchError(str(refused)) from None
        if link is None:
            raise LaunchError("Your teacher has not chosen a quiz for this link yet.")
    db.session.flush()
    return Landing(user, context.classroom, context, link, deep_linking)


def _account(platform_id: int, launch: Launch, role: Role, now: datetime) -> User:
    linked = db.session.scalar(
        sa.select(LtiUser).where(
            LtiUser.platform_id == platform_id, LtiUser.subject == launch.subject
        )
    )
    if linked is not None:
        user = linked.user
        if user.role != role:
            raise LaunchError(
                f"You are an {'instructor' if role == Role.TEACHER else 'learner'} in this "
                f"course, but your quizapp account is a {user.role} account."
            )
        if not user.is_active:
            raise LaunchError("Your quizapp account is disabled: ask the school's administrator.")
        return user
    user = create_user(
        free_username(launch.name),
        launch.name,
        role,
        password_hash=NO_PASSWORD,
        created_at=now,
    )
    db.session.add(LtiUser(platform_id=platform_id, subject=launch.subject, user_id=user.id))
    return user


def _context(deployment: LtiDeployment, launch: Launch, user: User, now: datetime) -> LtiContext:
    context_id = str(launch.context["id"])
    context = db.session.scalar(
        sa.select(LtiContext).where(
            LtiContext.deployment_id == deployment.id, LtiContext.context_id == context_id
        )
    )
    if context is None:
        if user.role != Role.TEACHER:
            raise LaunchError(
                "Your teacher has not opened quizapp from this course yet: try again after "
                "they have."
            )
        classroom = create_classroom(user, launch.context_title)
        context = LtiContext(
            deployment_id=deployment.id,
            context_id=context_id,
            classroom_id=classroom.id,
            title=launch.context_title,
        )
        db.session.add(context)
    elif user.role == Role.TEACHER and context.classroom.teacher_id != user.id:
        raise LaunchError(
            f"This course's class in quizapp belongs to {context.classroom.teacher.display_name}: "
            "quizapp has one teacher for each class."
        )
    context.title = launch.context_title
    if launch.memberships_url:
        context.memberships_url = launch.memberships_url
    db.session.flush()
    return context


def _resource_link(context: LtiContext, launch: Launch) -> LtiResourceLink | None:
    link = db.session.scalar(
        sa.select(LtiResourceLink).where(
            LtiResourceLink.context_id == context.id,
            LtiResourceLink.resource_link_id == launch.resource_link_id,
        )
    )
    if link is None:
        assignment = _deep_linked_assignment(context, launch)
        if assignment is None:
            return None
        link = LtiResourceLink(
            context_id=context.id,
            resource_link_id=launch.resource_link_id,
            assignment_id=assignment.id,
        )
        db.session.add(link)
    if launch.lineitem_url:
        link.lineitem_url = launch.lineitem_url
    return link


def _deep_linked_assignment(context: LtiContext, launch: Launch) -> Assignment | None:
    """The assignment the link was made for by deep linking, if it is of this course's class."""
    value = str(launch.custom.get(ASSIGNMENT_PARAMETER, ""))
    if not value.isdigit():
        return None
    return db.session.scalar(
        sa.select(Assignment).where(
            Assignment.id == int(value), Assignment.classroom_id == context.classroom_id
        )
    )


def context_of(classroom: Classroom) -> LtiContext | None:
    """The LMS course a class is linked to, if any."""
    return db.session.scalar(sa.select(LtiContext).where(LtiContext.classroom_id == classroom.id))


def is_lti_account(user: User) -> bool:
    """Whether the account was made by a launch and has no password of its own."""
    return user.password_hash == NO_PASSWORD


def link_existing_account(made: User, username: str, password: str, now: datetime) -> User:
    """Let the owner of an existing account use it from the LMS instead of the one a launch
    made: the LMS link, classes and enrolments move to it, and the made account is closed."""
    if not is_lti_account(made):
        raise LinkError("This account already has its own password: there is nothing to link.")
    existing = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if existing is None or is_lti_account(existing) or not existing.check_password(password):
        raise LinkError("That username and password do not match an account.")
    if existing.id == made.id:
        raise LinkError("That is the account you are using.")
    if existing.role != made.role or not existing.is_active or existing.is_waiting:
        raise LinkError(f"Only an active {made.role} account can be linked to this one.")
    if db.session.scalar(sa.select(Attempt.id).where(Attempt.student_id == made.id).limit(1)):
        raise LinkError(
            "This account has already taken a quiz, so its results would be split: ask your "
            "teacher to move them instead."
        )
    db.session.execute(
        sa.update(LtiUser).where(LtiUser.user_id == made.id).values(user_id=existing.id)
    )
    db.session.execute(
        sa.update(Classroom).where(Classroom.teacher_id == made.id).values(teacher_id=existing.id)
    )
    for enrollment in db.session.scalars(
        sa.select(Enrollment).where(Enrollment.student_id == made.id)
    ):
        if enrollment.removed_at is None:
            enrol(existing, enrollment.classroom)
        db.session.delete(enrollment)
    made.status = AccountStatus.DISABLED
    made.rotate_session()
    db.session.flush()
    return existing


def score_maximum(assignment: Assignment) -> float:
    """The points an attempt at the assignment is out of, for the LMS's gradebook column: one
    for each question and one for each "which sentence shows it?" step (as attempts count)."""
    contents = db.session.scalars(
        sa.select(QuestionVersion.content)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.set_id == assignment.set_id, Question.position.is_not(None))
    ).all()
    return float(sum(1 + ("ground" in content) for content in contents))


def deep_link_item(assignment: Assignment, launch_url: str) -> dict:
    """The LtiResourceLink content item for an assignment, with its gradebook column."""
    title = assignment.question_set.title
    return {
        "type": "ltiResourceLink",
        "title": title,
        "url": launch_url,
        "custom": {ASSIGNMENT_PARAMETER: str(assignment.id)},
        "lineItem": {
            "scoreMaximum": score_maximum(assignment),
            "label": title,
            "resourceId": f"quizapp-assignment-{assignment.id}",
        },
    }
