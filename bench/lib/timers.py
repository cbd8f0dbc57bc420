"""Purchases per second of a load and the mean of every timer that moved during it.

Usage: timers.py RUN_DIR SECONDS, where RUN_DIR holds before.txt and after.txt (two scrapes of
/actuator/prometheus) and load/wrk-*.log (one line per response, see bench/wrk/flashsale.lua).
"""
import glob
import re
import sys

SAMPLE = re.compile(r'(\S+?)(\{.*\})? (\S+)$')


def scrape(path):
    values = {}
    for line in open(path):
        match = SAMPLE.match(line.strip())
        if match and not line.startswith('#'):
            try:
                values[(match.group(1), match.group(2) or '')] = float(match.group(3))
            except ValueError:
                pass
    return values


def main(run_dir, seconds):
    before, after = scrape(f'{run_dir}/before.txt'), scrape(f'{run_dir}/after.txt')
    statuses = {}
    for log in glob.glob(f'{run_dir}/load/wrk-*.log'):
        for line in open(log):
            status = line.split()[2]
            statuses[status] = statuses.get(status, 0) + 1
    print(f'purchases/s: {sum(statuses.values()) / float(seconds):.1f}   answers: {statuses}')
    print(f'{"timer":<52} {"count":>8} {"mean ms":>9}  tags')
    for (name, tags), total in sorted(after.items()):
        if not name.endswith('_seconds_sum'):
            continue
        count_key = (name[:-len('_sum')] + '_count', tags)
        count = after.get(count_key, 0) - before.get(count_key, 0)
        if count > 0:
            mean_ms = 1000 * (total - before.get((name, tags), 0)) / count
            tags = re.sub(r'application="[^"]*",?', '', tags)
            print(f'{name[:-len("_seconds_sum")]:<52} {count:>8.0f} {mean_ms:>9.2f}  {tags}')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
