"""What runs inside a sandboxed program's process, after isolation: it loads the program and
reports on fd 3, one JSON line per event. Nothing it reports is a verdict the parent believes,
except in the "check" mode, which the parent marks as judged in-process.

Modes (job["mode"]):
  calls   call the entry function on each case and report the outputs as tagged values
          ({"i": n, "v": ...}); the parent compares them with expected values it never sent.
  record  a trusted run with no sample in it: the problem's reference and its assert-style tests,
          rewritten with `ast` so that each `assert candidate(args) == expected` (and the close,
          isclose, is, truthy forms) records its evaluated arguments and expected value instead of
          calling anything. The result is the problem's input/output cases.
  check   run the problem's test code in the program's own process (tests that cannot be turned
          into cases); the program could reach this code, so the parent says so.
  rewards call a workspace reward function on batches of samples (rewardfn.py); its values are
          rewards the user's own code computes, checked for shape by the parent.
"""
import ast
import builtins
import copy
import json
import os
import signal
import sys
import time
import traceback

import pyvalues

RESULT_FD = 3
_write = os.write
_exit = os._exit


def report(obj):
    data = (json.dumps(obj, separators=(',', ':')) + '\n').encode()
    while data:
        n = _write(RESULT_FD, data)
        data = data[n:]


def finish(obj=None):
    if obj is not None:
        report(obj)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    _exit(0)


def tb_text(e, limit=6000):
    s = ''.join(traceback.format_exception(type(e), e, e.__traceback__))
    return s if len(s) <= limit else s[:1000] + '\n...\n' + s[-(limit - 1000):]


def describe(e):
    if isinstance(e, SystemExit):
        return 'the program called exit(%r) before the tests finished' % (e.code,)
    return type(e).__name__ + ': ' + str(e)[:500]


def compile_program(src):
    try:
        return compile(src, 'solution.py', 'exec', dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        finish({'syntax_error': {'line': getattr(e, 'lineno', None), 'message': str(e)}, 'tb': tb_text(e)})


def load_program(job):
    """Runs the program's top level; returns its globals (or reports why it could not)."""
    code = compile_program(job['code'])
    g = {'__name__': '__main__', '__builtins__': builtins}
    try:
        exec(code, g)
    except MemoryError:
        finish({'memory': 'MemoryError while loading the program'})
    except BaseException as e:
        finish({'load_error': describe(e), 'tb': tb_text(e)})
    return g


def entry_function(g, entry):
    fn = g.get(entry)
    if fn is None and isinstance(g.get('Solution'), type):
        try:
            fn = getattr(g['Solution'](), entry, None)
        except BaseException as e:
            finish({'load_error': describe(e), 'tb': tb_text(e)})
    if not callable(fn):
        finish({'load_error': 'the program defines no function ' + entry})
    return fn


class CaseTimeout(BaseException):
    pass


def _alarm(signum, frame):
    raise CaseTimeout()


# ---------------------------------------------------------------------------------------------
# calls


def run_calls(job):
    g = load_program(job)
    fn = entry_function(g, job['entry'])
    tagged = job.get('args') == 'tagged'
    limits = job.get('caseLimitsMs')
    scope = {'__builtins__': builtins}
    exec(job.get('setup') or '', scope)
    wraps = {}
    timed = job.get('timeCases')
    clock = time.perf_counter
    signal.signal(signal.SIGALRM, _alarm)
    for i, case in enumerate(job['cases']):
        try:
            if tagged:
                args = [pyvalues.decode(a) for a in case.get('args', [])]
                kwargs = {k: pyvalues.decode(v) for k, v in (case.get('kwargs') or {}).items()}
            else:
                args, kwargs = copy.deepcopy(case['args']), {}
        except BaseException as e:
            finish({'i': i, 'error': 'bad input: ' + describe(e)})
        limit = limits[i] if limits else 0
        started = clock()
        try:
            if limit:
                signal.setitimer(signal.ITIMER_REAL, limit / 1000.0)
            out = fn(*args, **kwargs)
            wrap = case.get('wrap')
            if wrap:
                if wrap not in wraps:
                    wraps[wrap] = compile(wrap, 'test', 'eval')
                out = eval(wraps[wrap], dict(scope, __rl_out=out))
            if limit:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except CaseTimeout:
            finish({'i': i, 'timeout': limit})
        except MemoryError:
            finish({'i': i, 'memory': 'MemoryError'})
        except BaseException as e:
            signal.setitimer(signal.ITIMER_REAL, 0)
            finish({'i': i, 'error': describe(e), 'tb': tb_text(e)})
        try:
            text = pyvalues.dumps(out)
        except pyvalues.Unencodable as e:
            finish({'i': i, 'unencodable': str(e)})
        except BaseException as e:
            finish({'i': i, 'unencodable': describe(e)})
        if timed:
            _write_line('{"i":%d,"v":%s,"ms":%.3f}\n' % (i, text, (clock() - started) * 1000))
        else:
            _write_line('{"i":%d,"v":%s}\n' % (i, text))
    finish({'done': len(job['cases'])})


def _write_line(text):
    data = text.encode()
    while data:
        n = _write(RESULT_FD, data)
        data = data[n:]


# ---------------------------------------------------------------------------------------------
# record: assert-style tests to input/output cases

# Functions a test may apply to the candidate's output before comparing (`sorted(candidate(x)) == ...`).
WRAPPERS = {'sorted', 'set', 'frozenset', 'tuple', 'list', 'len', 'round', 'abs', 'str', 'int', 'float', 'bool', 'sum', 'min', 'max', 'dict'}
MAX_CASES = 100000


class Unconvertible(Exception):
    pass


def _mentions(node, name):
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _is_call_of(node, name):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _split_candidate(node, name):
    """`W(candidate(args))` -> (the call, the wrapper text with the call as __rl_out, or None)."""
    if _is_call_of(node, name):
        if any(_mentions(a, name) for a in node.args) or any(_mentions(k.value, name) for k in node.keywords):
            raise Unconvertible('the candidate is called on its own output')
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            raise Unconvertible('arguments passed with * or **')
        return node, None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in WRAPPERS and node.args and not node.keywords:
        inner, wrap = _split_candidate(node.args[0], name)
        rest = node.args[1:]
        if all(isinstance(a, ast.Constant) for a in rest):
            inner_text = wrap if wrap is not None else '__rl_out'
            return inner, '%s(%s)' % (node.func.id, ', '.join([inner_text] + [ast.unparse(a) for a in rest]))
    raise Unconvertible('the output is used as `%s`' % ast.unparse(node)[:120])


def _abs_difference(node, name):
    """abs(a - b) / math.fabs(a - b) with the candidate on one side -> (candidate side, other side)."""
    f = node.func if isinstance(node, ast.Call) else None
    is_abs = (isinstance(f, ast.Name) and f.id == 'abs') or (isinstance(f, ast.Attribute) and f.attr == 'fabs' and isinstance(f.value, ast.Name) and f.value.id == 'math')
    if not is_abs or len(node.args) != 1 or not isinstance(node.args[0], ast.BinOp) or not isinstance(node.args[0].op, ast.Sub):
        return None
    a, b = node.args[0].left, node.args[0].right
    if _mentions(a, name) and not _mentions(b, name):
        return a, b
    if _mentions(b, name) and not _mentions(a, name):
        return b, a
    return None


class _AssertRecorder(ast.NodeTransformer):
    """Replaces each convertible assert with a call that records it; refuses the rest."""

    def __init__(self, name):
        self.name = name

    def visit_Assert(self, node):
        name = self.name
        t = node.test
        if not _mentions(t, name):
            return node  # a check of the test itself (`assert True`): runs as written
        kind, cand, other, extra = self.classify(t)
        call, wrap = _split_candidate(cand, name)
        fields = [
            ast.Constant(node.lineno), ast.Constant(kind), ast.Constant(ast.unparse(t)[:300]),
            ast.Tuple([*call.args], ast.Load()),
            ast.Dict([ast.Constant(k.arg) for k in call.keywords], [k.value for k in call.keywords]),
            ast.Constant(wrap),
            other if other is not None else ast.Constant(None),
            ast.Dict([ast.Constant(k) for k in extra], list(extra.values())),
        ]
        rec = ast.Expr(ast.Call(ast.Name('__rl_record', ast.Load()), fields, []))
        return ast.copy_location(rec, node)

    def classify(self, t):
        name = self.name
        if isinstance(t, ast.Compare) and len(t.ops) == 1:
            op, left, right = t.ops[0], t.left, t.comparators[0]
            if isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
                if _mentions(left, name) and not _mentions(right, name):
                    cand, other = left, right
                elif _mentions(right, name) and not _mentions(left, name):
                    cand, other = right, left
                else:
                    raise Unconvertible('both sides call the candidate')
                kind = {ast.Eq: 'eq', ast.NotEq: 'ne', ast.Is: 'is', ast.IsNot: 'isnot'}[type(op)]
                if kind in ('is', 'isnot') and not (isinstance(other, ast.Constant) and other.value in (None, True, False)):
                    raise Unconvertible('`is` with something other than None, True or False')
                return kind, cand, other, {}
            if isinstance(op, (ast.Lt, ast.LtE)) and isinstance(left, ast.Call) and not _mentions(right, name):
                sides = _abs_difference(left, name)
                if sides:
                    return ('close' if isinstance(op, ast.Lt) else 'closeq'), sides[0], sides[1], {'tol': right}
        if isinstance(t, ast.Call) and isinstance(t.func, ast.Attribute) and t.func.attr == 'isclose' and len(t.args) == 2:
            a, b = t.args
            if _mentions(a, name) != _mentions(b, name) and all(k.arg in ('rel_tol', 'abs_tol') and not _mentions(k.value, name) for k in t.keywords):
                cand, other = (a, b) if _mentions(a, name) else (b, a)
                return 'isclose', cand, other, {k.arg: k.value for k in t.keywords}
        if isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not):
            return 'falsy', t.operand, None, {}
        if isinstance(t, ast.Call):
            return 'truthy', t, None, {}
        raise Unconvertible('`assert %s`' % ast.unparse(t)[:120])


def run_record(job):
    """Turns the problem's asserts into cases, or says why it cannot (finish({'unconvertible': why}))."""
    name = job['candidate']
    try:
        tree = ast.parse(job['test'], 'test.py')
        tree = _AssertRecorder(name).visit(tree)
        for n in ast.walk(tree):
            if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Store):
                where = getattr(n, 'lineno', '?')
                raise Unconvertible('line %s uses the candidate outside an assert it can turn into a case' % where)
        ast.fix_missing_locations(tree)
        tcode = compile(tree, 'test.py', 'exec', dont_inherit=True)
    except Unconvertible as e:
        finish({'unconvertible': str(e)})
    except (SyntaxError, ValueError, RecursionError) as e:
        finish({'unconvertible': 'the test code does not parse: %s' % e})
    cases = []

    def record(line, kind, text, args, kwargs, wrap, expected, extra):
        if len(cases) >= MAX_CASES:
            raise Unconvertible('more than %d cases' % MAX_CASES)
        case = {'line': line, 'check': kind, 'source': text,
                'args': [pyvalues.encode(a) for a in args]}
        if kwargs:
            case['kwargs'] = {k: pyvalues.encode(v) for k, v in kwargs.items()}
        if kind in ('truthy', 'falsy'):
            # only the truth value is tested: it crosses as a bool (a match object has no other form)
            wrap = 'bool(%s)' % (wrap or '__rl_out')
        if wrap:
            case['wrap'] = wrap
        if kind not in ('truthy', 'falsy'):
            case['expected'] = pyvalues.encode(expected)
        for k, v in extra.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise Unconvertible('line %d: a tolerance that is not a number' % line)
            case[k] = float(v)
        cases.append(case)

    g = load_program(job)
    g['__rl_record'] = record
    try:
        exec(tcode, g)
        if job.get('call'):
            exec(compile(job['call'], 'check', 'exec'), g)
    except Unconvertible as e:
        finish({'unconvertible': str(e)})
    except pyvalues.Unencodable as e:
        finish({'unconvertible': 'an input or expected value is %s' % e})
    except BaseException as e:
        finish({'unconvertible': 'the test code failed with the reference solution: ' + describe(e), 'tb': tb_text(e)})
    if not cases:
        finish({'unconvertible': 'no assert calls the candidate'})
    setup = '\n'.join(ast.unparse(n) for n in ast.parse(job['test']).body if isinstance(n, (ast.Import, ast.ImportFrom)))
    finish({'cases': cases, 'setup': setup})


# ---------------------------------------------------------------------------------------------
# check: the test code runs in the program's own process (marked as judged in-process)


class _AssertRewriter(ast.NodeTransformer):
    """assert L == R  ->  assert __rl_eq(L, R, lineno): same truth value, but a failure carries got/expected."""

    def visit_Assert(self, node):
        t = node.test
        if isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.Eq):
            call = ast.Call(func=ast.Name('__rl_eq', ast.Load()), args=[t.left, t.comparators[0], ast.Constant(node.lineno)], keywords=[])
            node.test = ast.copy_location(call, t)
        return node


def run_check(job):
    mismatches = {}

    def rl_eq(left, right, lineno):
        ok = left == right
        if not ok:
            try:
                mismatches[lineno] = (repr(left)[:500], repr(right)[:500])
            except BaseException:
                pass
        return ok

    try:
        tree = _AssertRewriter().visit(ast.parse(job['test'], 'test.py'))
        ast.fix_missing_locations(tree)
        tcode = compile(tree, 'test.py', 'exec', dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        finish({'test_error': 'the test code does not compile: ' + str(e)})
    code = compile_program(job['code'])
    g = {'__name__': '__main__', '__builtins__': builtins}
    try:
        exec(code, g)
        g['__rl_eq'] = rl_eq
        exec(tcode, g)
        if job.get('call'):
            exec(compile(job['call'], 'check', 'exec'), g)
        finish({'verdict': 'passed'})
    except MemoryError:
        finish({'memory': 'MemoryError'})
    except AssertionError as e:
        frames = traceback.extract_tb(e.__traceback__)
        in_test = [f for f in frames if f.filename == 'test.py']
        if in_test and frames[-1].filename == 'test.py':
            f = in_test[-1]
            payload = {'verdict': 'failed', 'line': f.lineno, 'assertion': (f.line or '').strip()[:1000]}
            if f.lineno in mismatches:
                payload['got'], payload['expected'] = mismatches[f.lineno]
            finish(payload)
        finish({'error': 'AssertionError: ' + str(e)[:500], 'tb': tb_text(e)})
    except BaseException as e:
        finish({'error': describe(e), 'tb': tb_text(e)})


def run(job):
    mode = job['mode']
    if mode == 'calls':
        run_calls(job)
    elif mode == 'record':
        run_record(job)
    elif mode == 'rewards':
        import rewardfn
        rewardfn.run(job)
    else:
        run_check(job)
    finish()
