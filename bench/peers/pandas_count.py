#!/usr/bin/python3
"""pandas_count.py - the benchmark job in pandas.

Counts the records of every distinct (QI1, QI2, ...) tuple of raw values and prints
"CLASSES UNIQUES" on one line.

Usage: /usr/bin/python3 bench/peers/pandas_count.py FILE [QI,QI,...]

Every column is read as str (dtype=str) and no spelling is turned into NaN
(keep_default_na=False), so an empty field stays the empty string and all empty fields form
one group, as reid-check's missing values do. pandas is single-threaded here.
"""
import sys

import pandas as pd


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[4], file=sys.stderr)
        return 2
    qis = (sys.argv[2] if len(sys.argv) == 3 else "postcode,age,diagnosis").split(",")
    df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False, usecols=qis)
    sizes = df.groupby(qis, sort=False, dropna=False).size()
    print(f"{len(sizes)} {int((sizes == 1).sum())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
