"""Runs a workspace reward function inside a sandboxed program (harness mode "rewards").

The parent (src/core/rewards/workspace/runner.ts) has already built each call's arguments the way
the trainer builds them (TRL's GRPOTrainer, verl's reward manager, OpenRLHF's reward_func); this
module imports the user's module once, makes the calls in order and reports on fd 3, one JSON line
per event:

    {"load": {"ms": .., "output": ..}}                  the module imported and the function exists
    {"load": {"error": .., "tb": .., "output": ..}}     it did not (then the program ends)
    {"start": b}                                        call b begins (if the program dies now, call b is the culprit)
    {"b": b, "values": [..], "output": .., "ms": ..}    call b returned: one item per sample
    {"b": b, "error": .., "tb": .., "output": ..}       call b raised, or returned something of the wrong shape
    {"o": b | "load", "t": text}                        call b (or the import) printed this (kept if the process dies)

A value item is {"v": number}, {"na": true} (TRL's None: not applicable) or {"e": why} (this sample's
value is not a reward: NaN, a string, ...), each with optional "items" (extra values for the details).
What the function prints is captured per call (Python-level writes to sys.stdout / sys.stderr, kept up
to a limit and counted beyond it). Nothing reported here is trusted for more than it says: the parent
checks the shapes again.
"""
import importlib
import linecache
import math
import numbers
import os
import signal
import sys
import time
import types

import harness

ITEM_CHARS = 300
MAX_ITEMS = 40


class CallTimeout(BaseException):
    """Raised in the function when its call runs out of time (a BaseException: `except Exception` cannot swallow it)."""


class Capture:
    """Stands in for sys.stdout and sys.stderr: keeps the first `limit` characters of a call's output,
    counts the rest. What it keeps is also reported as it is written ({"o": call, "t": text}), so the
    output of a call whose process dies (os._exit, a hard limit) is not lost with it."""

    encoding = 'utf-8'
    errors = 'backslashreplace'

    def __init__(self, limit, clock):
        self.limit = limit
        self.clock = clock
        self.call = 'load'
        self.parts = []
        self.kept = 0
        self.total = 0
        self.buffer = _BytesView(self)

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError('write() argument must be str, not %s' % type(text).__name__)
        self.total += len(text)
        room = self.limit - self.kept
        if room > 0 and text:
            piece = text[:room]
            self.parts.append(piece)
            self.kept += len(piece)
            self.clock.busy = True
            try:
                harness.report({'o': self.call, 't': piece})
            finally:
                self.clock.busy = False
            self.clock.checkpoint()
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def take(self, next_call):
        text = ''.join(self.parts)
        if self.total > self.kept:
            text += '\n... (%d more characters not shown)' % (self.total - self.kept)
        self.parts, self.kept, self.total = [], 0, 0
        self.call = next_call
        return text

    def flush(self):
        pass

    def isatty(self):
        return False

    def readable(self):
        return False

    def writable(self):
        return True


class _BytesView:
    def __init__(self, capture):
        self.capture = capture

    def write(self, data):
        self.capture.write(bytes(data).decode('utf-8', 'backslashreplace'))
        return len(data)

    def flush(self):
        pass


class Clock:
    """The per-call time limit: SIGALRM raises CallTimeout, but only while a call (or the import) runs.

    A function that sets its own SIGALRM timer (math_verify does) replaces this one for that while;
    the program's overall limit, enforced outside, still stops a call that never returns."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.active = False
        # while a report line is being written the timeout waits (a line cut in half would be lost)
        self.busy = False
        self.expired = False
        signal.signal(signal.SIGALRM, self._fire)

    def _fire(self, signum, frame):
        if self.active:
            if self.busy:
                self.expired = True
                return
            self.active = False
            raise CallTimeout()

    def checkpoint(self):
        if self.expired and self.active:
            self.expired = self.active = False
            raise CallTimeout()

    def __enter__(self):
        self.active = True
        self.expired = False
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        self.active = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        return False


def short(value):
    """A value as a short text for the details."""
    if hasattr(value, 'tolist') and not isinstance(value, (str, bytes)):
        try:
            value = value.tolist()
        except Exception:
            pass
    if isinstance(value, str):
        text = value
    elif isinstance(value, float):
        text = repr(value)
    else:
        try:
            text = repr(value)
        except Exception as e:
            text = '<unprintable %s: %s>' % (type(value).__name__, e)
    return text if len(text) <= ITEM_CHARS else text[:ITEM_CHARS] + '…'


def as_number(value):
    """(float, None) for a reward, (None, why) for anything else."""
    if hasattr(value, 'item') and not isinstance(value, numbers.Number):
        try:
            value = value.item()
        except Exception as e:
            return None, 'returned %s whose .item() failed: %s' % (type(value).__name__, describe(e))
    if isinstance(value, numbers.Real):
        x = float(value)
        if math.isnan(x):
            return None, 'returned NaN (return None for "not applicable")'
        if math.isinf(x):
            return None, 'returned %s' % x
        return x, None
    return None, 'returned %s %s, expected a number' % (type(value).__name__, short(repr(value)))


def as_list(value, what):
    """A list from a list, tuple, tensor or array (anything with tolist()); else raises Invalid."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if hasattr(value, 'tolist') and not isinstance(value, (str, bytes, dict)):
        out = value.tolist()
        if isinstance(out, list):
            return out
        raise Invalid('returned a 0-dimensional %s (%s) for %s, expected one value per sample' % (type(value).__name__, short(out), what))
    raise Invalid('returned %s %s for %s, expected a list with one value per sample' % (type(value).__name__, short(value), what))


class Invalid(Exception):
    """The function returned something that is not the trainer's shape (the whole call fails)."""


def value_item(value, allow_none):
    if value is None:
        return {'na': True} if allow_none else {'e': 'returned None, expected a number'}
    x, why = as_number(value)
    return {'v': x} if why is None else {'e': why}


def items_of(mapping, skip=()):
    out = []
    for key, value in list(mapping.items())[:MAX_ITEMS]:
        if key not in skip:
            out.append('%s: %s' % (key, short(value)))
    return out


# ---------------------------------------------------------------------------------------------
# The three calling conventions


def call_trl(fn, call, extra):
    args = dict(call['kwargs'])
    n = len(args['completions'])
    logged = {}
    metrics = {}

    def log_extra(column, values):
        logged[str(column)] = list(values)

    def log_metric(name, value):
        metrics[str(name)] = value

    # offline there is no trainer: its state stands in with the record's training step
    args['trainer_state'] = types.SimpleNamespace(global_step=call.get('step') or 0, epoch=None, max_steps=None)
    args['log_extra'] = log_extra
    args['log_metric'] = log_metric
    args.update(extra)
    out = settle(fn(**args))
    values = as_list(out, '%d completions' % n)
    if len(values) != n:
        raise Invalid('returned %d values for %d completions' % (len(values), n))
    items = []
    for i in range(n):
        mine = ['%s: %s' % (k, short(v[i])) for k, v in logged.items() if isinstance(v, list) and i < len(v)]
        mine += ['%s (whole call): %s' % (k, short(v)) for k, v in metrics.items()]
        items.append(mine)
    return [dict(value_item(v, True), **({'items': items[i]} if items[i] else {})) for i, v in enumerate(values)]


def call_verl(fn, call, extra):
    args = dict(call['kwargs'])
    args.update(extra)
    out = settle(fn(**args))
    if isinstance(out, dict):
        if 'score' not in out:
            raise Invalid('returned a dict without "score" (keys: %s)' % ', '.join(map(str, list(out)[:20])))
        item = value_item(out['score'], False)
        details = items_of(out, skip=('score',))
        if details:
            item['items'] = details
        return [item]
    return [value_item(out, False)]


def call_openrlhf(fn, call, extra):
    args = call['kwargs']
    n = len(args['queries'])
    out = settle(fn(args['queries'], args['prompts'], args['labels'], **extra))
    per_sample = [[] for _ in range(n)]
    if isinstance(out, dict):
        if 'rewards' not in out:
            raise Invalid('returned a dict without "rewards" (keys: %s)' % ', '.join(map(str, list(out)[:20])))
        values = as_list(out['rewards'], '%d queries' % n)
        if out.get('scores') is not None:
            scores = as_list(out['scores'], 'scores')
            for i in range(min(n, len(scores))):
                per_sample[i].append('scores: %s' % short(scores[i]))
        logs = out.get('extra_logs') or {}
        if isinstance(logs, dict):
            for line in items_of(logs):
                for mine in per_sample:
                    mine.append('extra_logs (whole call) ' + line)
    else:
        values = as_list(out, '%d queries' % n)
    if len(values) != n:
        raise Invalid('returned %d rewards for %d queries' % (len(values), n))
    return [dict(value_item(v, False), **({'items': per_sample[i]} if per_sample[i] else {})) for i, v in enumerate(values)]


STYLES = {'trl': call_trl, 'verl': call_verl, 'openrlhf': call_openrlhf}


def settle(out):
    """Async reward functions (TRL and verl accept them) are awaited."""
    if hasattr(out, '__await__'):
        import asyncio  # only then: every sandbox worker loads this module
        return asyncio.run(_await(out))
    return out


async def _await(awaitable):
    return await awaitable


# ---------------------------------------------------------------------------------------------
# The program


def describe(e):
    if isinstance(e, SystemExit):
        return 'the function called exit(%r)' % (e.code,)
    return harness.describe(e)


OWN_FILES = ('rewardfn.py', 'harness.py')


def user_traceback(e):
    """The traceback from the user's first frame on: the frames of this module say nothing to them."""
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None and tb.tb_frame.f_code.co_filename in OWN_FILES:
        tb = tb.tb_next
    e.__traceback__ = tb if tb is None or tb.tb_frame.f_code.co_filename not in OWN_FILES else None
    return harness.tb_text(e)


def load(spec, clock):
    module = spec['module']
    with clock:
        if module.get('source') is not None:
            path = module['path']
            name = os.path.splitext(os.path.basename(path))[0] or 'reward_module'
            source = module['source']
            # tracebacks show the user's lines although the file itself is not in the sandbox
            linecache.cache[path] = (len(source), None, source.splitlines(True), path)
            code = compile(source, path, 'exec', dont_inherit=True)
            mod = types.ModuleType(name)
            mod.__file__ = path
            sys.modules[name] = mod
            exec(code, mod.__dict__)
        else:
            mod = importlib.import_module(module['name'])
    fn = getattr(mod, spec['function'], None)
    if fn is None:
        raise LookupError('%s defines no %s' % (module.get('path') or module.get('name'), spec['function']))
    if not callable(fn):
        raise LookupError('%s.%s is a %s, not a function' % (module.get('path') or module.get('name'), spec['function'], type(fn).__name__))
    return fn


PR_SET_DUMPABLE = 4


def not_dumpable():
    if sys.platform.startswith('linux'):
        import ctypes
        if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
            harness.finish({'load': {'error': 'the sandbox could not protect its report channel (prctl: errno %d)' % ctypes.get_errno()}})


def run(job):
    spec = job['rewards']
    # a program the function starts (os.system, a subprocess: code rewards run completions so) does
    # not get the report channel, and cannot reopen it through /proc/<pid>/fd/3 or write this
    # process's memory either: a process that is not dumpable is off limits to its own children
    os.set_inheritable(harness.RESULT_FD, False)
    not_dumpable()
    if spec.get('sysPath'):
        # the virtual environment's own sys.path (its site-packages, without the system's unless it includes them)
        sys.path[:] = list(spec['sysPath'])
    clock = Clock(float(spec.get('timeoutSeconds', 30)))
    capture = Capture(int(spec.get('outputChars', 16384)), clock)
    sys.stdout = sys.stderr = capture
    started = time.perf_counter()
    try:
        fn = load(spec, clock)
    except CallTimeout:
        harness.finish({'load': {'error': 'the import did not finish within %g s' % clock.seconds, 'timeout': True, 'output': capture.take(None)}})
    except BaseException as e:
        harness.finish({'load': {'error': describe(e), 'tb': user_traceback(e), 'output': capture.take(None)}})
    harness.report({'load': {'ms': round((time.perf_counter() - started) * 1000, 3), 'output': capture.take(0)}})
    call_style = STYLES[spec['style']]
    extra = spec.get('kwargs') or {}
    for b, call in enumerate(spec['calls']):
        harness.report({'start': b})
        t0 = time.perf_counter()
        result = {'b': b}
        try:
            with clock:
                values = call_style(fn, call, extra)
            result['values'] = values
        except CallTimeout:
            result['error'] = 'the call did not return within %g s' % clock.seconds
            result['timeout'] = True
        except Invalid as e:
            result['error'] = str(e)
            result['invalid'] = True
        except BaseException as e:
            result['error'] = describe(e)
            result['tb'] = user_traceback(e)
        result['ms'] = round((time.perf_counter() - t0) * 1000, 3)
        result['output'] = capture.take(b + 1)
        harness.report(result)
    harness.finish({'done': len(spec['calls'])})
