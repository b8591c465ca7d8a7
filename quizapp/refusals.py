"""The base of every refusal a user is told about: a request the rules do not allow.

A service raises one before it changes anything; its message is written for the person who
asked, and shown as it is. Views catch the ones they answer in their own way (a flash and a
redirect, a form error); any other reaches the one handler in errors.py, a 400 page.
"""


class Refusal(Exception):
    """A request the rules refuse; the message is shown to the user as it is."""
