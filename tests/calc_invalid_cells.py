"""Run by Debian's python3 (its python3-uno bridge), not the venv: opens a workbook in a LibreOffice Calc
that listens on a pipe and prints, as JSON, the cells Calc's validity rules mark invalid (Tools ›
Detective › Mark Invalid Data), as [row, column], 1-based. Used by tests/test_template.py.

usage: python3 calc_invalid_cells.py PIPE_NAME WORKBOOK SHEET DEADLINE_SECONDS
"""

import json
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def connect(pipe: str, deadline: float):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:  # Calc takes a few seconds to start listening
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def main() -> None:
    pipe, workbook, sheet_name, seconds = sys.argv[1:]
    context = connect(pipe, time.monotonic() + float(seconds))
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    hidden = PropertyValue(Name="Hidden", Value=True)
    document = desktop.loadComponentFromURL(Path(workbook).resolve().as_uri(), "_blank", 0, (hidden,))
    try:
        sheet = document.Sheets.getByName(sheet_name)
        sheet.unprotect("")  # the template's protection has no password; marking draws on the sheet
        sheet.showInvalid()
        page = sheet.DrawPage
        marked = sorted({(page.getByIndex(i).Anchor.CellAddress.Row + 1, page.getByIndex(i).Anchor.CellAddress.Column + 1)
                         for i in range(page.Count)})
    finally:
        document.close(True)
        desktop.terminate()
    print(json.dumps(marked))


if __name__ == "__main__":
    main()
