"""From an untrusted file to stored values: checks before opening (`intake`), parsing in a
limited worker process (`reader`, `worker`, `parse`, `cell_facts`, `workbook`), understanding
the layout (`layout`, `matching`; `shapes` for the readings a partner shows it), checking
values (`values`), then one transaction per upload (`pipeline`), the review of submissions
(`uploads`) and what one changed (`changes`), the annotated copy (`annotate`), the official
template (`template`) and the private folders of a session's uploaded files (`scratch`). Never
imports `analytics`.
"""

__all__ = [
    "annotate",
    "changes",
    "pipeline",
    "reader",
    "scratch",
    "shapes",
    "template",
    "uploads",
]  # the modules other packages may import
