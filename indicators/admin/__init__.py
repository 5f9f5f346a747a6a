"""Administration of the initiative by the backbone team, in the app and through Excel: the
definition's tables (places and schools, organisations, commitments, periods, targets) edited
as rows, checked by the very rules, codes and messages of the definition files, shown as
differences before they are saved in one audited transaction; `shown` says how each column
reads in words (headers, choices by name, French numbers and dates).
"""

__all__ = ["editing", "shown", "workbook"]  # the modules other packages may import
