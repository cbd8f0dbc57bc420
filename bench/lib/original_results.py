"""Reads orders from the compatibility facade's result route, as an original client polls it.

    python3 original_results.py BASE_URL ORDERS_FILE SAMPLE TIMEOUT_S OUT_JSON

ORDERS_FILE lines are "<order id> buyer|force-fail" (written by the Gatling replays). A sample of
SAMPLE orders of each kind (all if fewer) is polled on GET /flashsale/result/<id> until its
"Status" is no longer "pending" or TIMEOUT_S has passed. Expected: "success" for buyers, "failed"
for force-fail (under the fault-injection profile). Exit 1 if any order ends otherwise.
"""
import json
import random
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def status_of(base, order_id):
    with urllib.request.urlopen(f"{base}/flashsale/result/{order_id}", timeout=10) as answer:
        body = json.load(answer)
    return body["Status"]


def main():
    base, orders_file, sample, timeout_s, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    kinds = {}
    with open(orders_file) as lines:
        for line in lines:
            order_id, kind = line.split()
            kinds.setdefault(kind, []).append(order_id)
    expected = {"buyer": "success", "force-fail": "failed"}
    polled = {kind: random.sample(ids, min(sample, len(ids))) for kind, ids in kinds.items()}
    final = {}
    deadline = time.monotonic() + timeout_s
    with ThreadPoolExecutor(8) as pool:
        waiting = [(kind, order_id) for kind, ids in polled.items() for order_id in ids]
        while waiting and time.monotonic() < deadline:
            answers = list(pool.map(lambda pair: status_of(base, pair[1]), waiting))
            still = []
            for (kind, order_id), status in zip(waiting, answers):
                if status == "pending":
                    still.append((kind, order_id))
                else:
                    final[order_id] = (kind, status)
            waiting = still
            if waiting:
                time.sleep(1)
    summary = {kind: {"orders": len(kinds[kind]), "polled": len(polled[kind]),
                      "statuses": {}} for kind in kinds}
    for kind, status in final.values():
        summary[kind]["statuses"][status] = summary[kind]["statuses"].get(status, 0) + 1
    for kind, order_id in waiting:
        summary[kind]["statuses"]["pending"] = summary[kind]["statuses"].get("pending", 0) + 1
    ok = all(set(summary[kind]["statuses"]) <= {expected[kind]} for kind in summary)
    summary["ok"] = ok
    with open(out, "w") as file:
        json.dump(summary, file, indent=2)
    print(json.dumps(summary))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
