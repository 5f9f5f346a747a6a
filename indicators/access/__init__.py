"""Who may see what: viewers and roles, accounts, sessions, sign-in tickets and devices,
the audit journal, publications, and the one rule of disclosure (primary and complementary
suppression, small counts) that every partner and funder view goes through. `signing` is the
key the others sign with.
"""

__all__ = [
    "accounts",
    "devices",
    "disclosure",
    "journal",
    "publications",
    "sessions",
    "suppression",
    "tickets",
    "viewer",
]  # the modules other packages may import
