#!/usr/bin/env python3
"""Make a CSV of pseudonyms for the pseudonym-check benchmark (bench/README.md).

Usage: gen_pseudonyms.py [--stems LO-HI] PEOPLE SEED ALGORITHM [SALT] > out.csv

Each person gets a random valid NHS number from the England/Wales/Isle of Man ranges
(400 000 000-499 999 999 and 600 000 000-799 999 999, plus the check digit; docs/pseudonyms.md),
or with --stems from the 9-digit stems LO to HI, and the pseudonym hex(ALGORITHM(SALT + number)),
e.g. ALGORITHM sha256 or md5. Two rows per person.

data/sample-pseudonyms.csv (the README's demonstration) was made with
    bench/gen_pseudonyms.py --stems 400000000-400099999 200 20261125 sha256 > data/sample-pseudonyms.csv
"""
import hashlib
import random
import sys


def check_digit(stem):
    s = sum(int(d) * (10 - i) for i, d in enumerate("%09d" % stem))
    c = 11 - s % 11
    return None if c == 10 else (0 if c == 11 else c)


def main():
    args = sys.argv[1:]
    stems = None
    if args[:1] == ["--stems"]:
        lo, hi = (int(x) for x in args[1].split("-"))
        stems = (lo, hi + 1)
        args = args[2:]
    people, seed, alg = int(args[0]), int(args[1]), args[2]
    salt = args[3] if len(args) > 3 else ""
    rng = random.Random(seed)
    print("pseudonym,age")
    n = 0
    while n < people:
        if stems:
            stem = rng.randrange(*stems)
        else:
            stem = rng.choice(
                (rng.randrange(400000000, 500000000), rng.randrange(600000000, 800000000)))
        c = check_digit(stem)
        if c is None:
            continue
        token = hashlib.new(alg, (salt + "%09d%d" % (stem, c)).encode()).hexdigest()
        for _ in range(2):
            print("%s,%d" % (token, 20 + n % 60))
        n += 1


main()
