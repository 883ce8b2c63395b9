"""Progress for people at a terminal (`digecon run`): one plain line per thing that happened.

A Dagster logger that prints the pipeline's own messages and each asset as it is materialised, with its
figures; Dagster's engine events stay in the run's event log (the UI shows them all).
"""

import logging
import sys

import dagster as dg


class _ProgressHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.shown_assets: set[str] = set()  # a many-month run materialises once per month: say it once

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            if record.levelno >= logging.INFO:
                line = f"    {meta.get('orig_message', record.getMessage())}"
            else:
                return
        elif event.event_type_value == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            name = materialization.asset_key.to_user_string()
            if name in self.shown_assets:
                return
            self.shown_assets.add(name)
            figures = ", ".join(f"{key} {entry.value:,}" for key, entry in materialization.metadata.items()
                                if isinstance(entry.value, int | float) and not isinstance(entry.value, bool))
            line = f"    ✓ {name}" + (f" ({figures})" if figures else "")
        elif event.event_type_value == "STEP_FAILURE":
            line = f"    ✗ {event.step_key}: {meta.get('orig_message', record.getMessage())}"
        else:
            return
        print(line, file=sys.stdout, flush=True)


@dg.logger(description="Plain progress lines for the command line: messages and materialised assets.")
def progress_console(init_context) -> logging.Logger:
    log = logging.Logger("digecon.progress", logging.DEBUG)  # DEBUG: materialisation events arrive at it
    log.addHandler(_ProgressHandler())
    return log
