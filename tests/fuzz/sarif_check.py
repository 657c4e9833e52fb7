#!/usr/bin/env python3
"""Check a leakguard SARIF report: the structural rules of SARIF 2.1.0 that
consumers (GitHub code scanning) rely on, plus what a test expects.  Used by
the `check` scripts of the adversarial end-to-end cases
(tests/e2e/cases/5NN-adv-*/).

    sarif_check.py REPORT [--results N | --min-results N]
                          [--notice KIND:REASON:TEXT]... [--absent TEXT]...
                          [--failed N] [--skipped-min N]

--notice: a toolExecutionNotification of that kind (skipped, failed,
limit, info) and reason whose message or location URI contains TEXT (each
part may be empty: any).  --absent: TEXT must not occur anywhere in the
report (a raw secret).  Exit 0 when every check passes, else 1 with the
reasons on stderr.
"""
import argparse
import json
import sys


def fail(problems, msg):
    problems.append(msg)


def check_structure(doc, problems):
    if doc.get('version') != '2.1.0':
        fail(problems, 'version is not 2.1.0')
    if not isinstance(doc.get('$schema'), str):
        fail(problems, '$schema missing')
    runs = doc.get('runs')
    if not isinstance(runs, list) or len(runs) != 1:
        fail(problems, 'not exactly one run')
        return None
    run = runs[0]
    driver = run.get('tool', {}).get('driver', {})
    if not driver.get('name'):
        fail(problems, 'tool.driver.name missing')
    rule_ids = [r.get('id') for r in driver.get('rules', [])]
    if any(not isinstance(i, str) for i in rule_ids):
        fail(problems, 'a driver rule without id')
    results = run.get('results')
    if not isinstance(results, list):
        fail(problems, 'results is not a list')
        results = []
    n_arts = len(run.get('artifacts', []))
    for i, r in enumerate(results):
        where = 'result %d' % i
        if r.get('ruleId') not in rule_ids:
            fail(problems, where + ': ruleId not in tool.driver.rules')
        if not isinstance(r.get('message', {}).get('text'), str):
            fail(problems, where + ': message.text missing')
        locs = r.get('locations')
        if not isinstance(locs, list) or not locs:
            fail(problems, where + ': no locations')
            continue
        phys = locs[0].get('physicalLocation', {})
        art = phys.get('artifactLocation', {})
        if not isinstance(art.get('uri'), str) or not art['uri']:
            fail(problems, where + ': artifactLocation.uri missing')
        if 'index' in art and not 0 <= art['index'] < n_arts:
            fail(problems, where + ': artifact index out of range')
        region = phys.get('region', {})
        for k in ('startLine', 'startColumn'):
            if not isinstance(region.get(k), int) or region[k] < 1:
                fail(problems, where + ': region.%s not a positive int' % k)
        if not r.get('partialFingerprints'):
            fail(problems, where + ': partialFingerprints missing')
    for i, a in enumerate(run.get('artifacts', [])):
        p = a.get('parentIndex')
        if p is not None and not 0 <= p < i:
            fail(problems, 'artifact %d: bad parentIndex' % i)
    invs = run.get('invocations')
    if not isinstance(invs, list) or len(invs) != 1:
        fail(problems, 'not exactly one invocation')
        return run
    if not isinstance(invs[0].get('executionSuccessful'), bool):
        fail(problems, 'invocation.executionSuccessful missing')
    for i, n in enumerate(invs[0].get('toolExecutionNotifications', [])):
        if not isinstance(n.get('message', {}).get('text'), str):
            fail(problems, 'notification %d: message.text missing' % i)
    return run


def notices(run):
    inv = (run.get('invocations') or [{}])[0]
    for n in inv.get('toolExecutionNotifications', []):
        props = n.get('properties', {})
        uris = [l.get('physicalLocation', {}).get('artifactLocation', {})
                .get('uri', '') for l in n.get('locations', [])]
        yield (props.get('kind', ''), props.get('reason', ''),
               n.get('message', {}).get('text', ''), uris)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('report')
    ap.add_argument('--results', type=int)
    ap.add_argument('--min-results', type=int)
    ap.add_argument('--notice', action='append', default=[])
    ap.add_argument('--absent', action='append', default=[])
    ap.add_argument('--failed', type=int)
    ap.add_argument('--skipped-min', type=int)
    a = ap.parse_args()
    problems = []
    with open(a.report, 'rb') as f:
        raw = f.read()
    try:
        doc = json.loads(raw.decode('utf-8'))
    except (UnicodeDecodeError, ValueError) as e:
        print('sarif_check: not valid JSON / UTF-8: %s' % e, file=sys.stderr)
        return 1
    run = check_structure(doc, problems)
    if run is not None:
        n = len(run.get('results', []))
        if a.results is not None and n != a.results:
            fail(problems, '%d results, expected %d' % (n, a.results))
        if a.min_results is not None and n < a.min_results:
            fail(problems, '%d results, expected >= %d' % (n, a.min_results))
        for spec in a.notice:
            kind, reason, text = (spec.split(':', 2) + ['', ''])[:3]
            if not any((not kind or k == kind) and
                       (not reason or r == reason) and
                       (not text or text in m or any(text in u for u in us))
                       for k, r, m, us in notices(run)):
                fail(problems, 'no notification %r' % spec)
        summary = ((run.get('invocations') or [{}])[0].get('properties', {})
                   .get('summary', {}))
        if a.failed is not None and summary.get('objects_failed') != a.failed:
            fail(problems, 'summary objects_failed %r, expected %d'
                 % (summary.get('objects_failed'), a.failed))
        if (a.skipped_min is not None and
                summary.get('objects_skipped', 0) < a.skipped_min):
            fail(problems, 'summary objects_skipped %r, expected >= %d'
                 % (summary.get('objects_skipped'), a.skipped_min))
    for text in a.absent:
        if text.encode() in raw:
            fail(problems, 'report contains %r' % text)
    for p in problems:
        print('sarif_check: ' + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
