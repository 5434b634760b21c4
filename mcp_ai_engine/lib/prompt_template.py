"""The Jinja2 sandbox prompts are rendered in.

Templates see only what :mod:`.prompt_values` hands them: read-only proxies and formatting
helpers. On top of Jinja2's own sandbox (no attribute starting with ``_``, no unsafe callables,
immutable containers), attributes are readable only on a small list of plain types, and
operations that could exhaust memory are refused.
"""
import datetime

from jinja2 import StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from odoo.exceptions import UserError

MAX_PROMPT_CHARS = 100_000
MAX_SEQUENCE_LENGTH = 100_000
MAX_EXPONENT = 64


class PromptError(UserError):
    """A template that cannot be rendered, in words an administrator can act on."""


class PromptEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})
    #: types whose public attributes templates may use (the record proxies register themselves)
    attribute_types = (str, int, float, list, tuple, dict, datetime.date, datetime.time, datetime.timedelta)

    def is_safe_attribute(self, obj, attr, value):
        return isinstance(obj, self.attribute_types) and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise SecurityError("exponent too large")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                        and len(sequence) * count > MAX_SEQUENCE_LENGTH:
                    raise SecurityError("sequence too long")
        return super().call_binop(context, operator, left, right)


ENVIRONMENT = PromptEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


def allow_attributes_of(cls):
    """Let templates read the public attributes of ``cls`` (a class decorator for the proxies)."""
    PromptEnvironment.attribute_types = (*PromptEnvironment.attribute_types, cls)
    return cls


def render(env, source, values):
    """Render ``source`` with ``values``; every failure becomes a :class:`PromptError`."""
    try:
        text = ENVIRONMENT.from_string(source or "").render(values)
    except PromptError:
        raise
    except SecurityError as exc:
        raise PromptError(env._("The prompt template tried something that is not allowed: %s", exc)) from None
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = env._(" (line %s)", line) if line else ""
        raise PromptError(env._("The prompt template is not valid%(where)s: %(error)s", where=where,
                                error=exc.message or exc)) from None
    except Exception as exc:  # noqa: BLE001 - any error of an expression (1/0, a bad filter argument...)
        raise PromptError(env._("The prompt template failed: %(error)s (%(type)s)", error=exc,
                                type=type(exc).__name__)) from None
    if len(text) > MAX_PROMPT_CHARS:
        raise PromptError(env._("The rendered prompt is %(size)s characters long, over the limit of %(limit)s.",
                                size=len(text), limit=MAX_PROMPT_CHARS))
    return str(text) if isinstance(text, Markup) else text
