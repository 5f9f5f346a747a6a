"""Administration of the initiative by the backbone team, in the app and through Excel: the
definition's tables (places and schools, organisations, commitments, periods, targets) edited
as rows, checked by the very rules, codes and messages of the definition files, shown as
differences before they are saved in one audited transaction.
"""

__all__ = ["editing", "workbook"]  # the modules other packages may import
