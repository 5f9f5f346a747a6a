"""E-mail to the partners: `transport` sends through the configured SMTP server and audits
every message; `notices` writes what is sent (a returned file, reminders of missing
reports) to each account of the organisation, in its language.
"""

__all__ = ["notices", "transport"]  # the modules other packages may import
