// Python evaluated once per Pyodide worker: the original Gencaster cell API (variables, waits,
// dialogs) plus `_gencaster_run`/`_gencaster_check` entry points the worker calls. The language policy
// (python-policy.ts) runs first: every run's code is checked and rewritten by it, each run gets a
// fresh namespace, builtins and random generator, stdlib modules are shared read-only facades, and
// host calls carry a per-run token that user code cannot read.
import { pythonFacades } from './python-facades.ts';
import { pythonPolicy } from './python-policy.ts';

/** The prelude's imports, dialog classes and builtins. */
const pythonHead = String.raw`
import ast, asyncio, builtins, datetime as _datetime, inspect, json, random as _random, sys, time, traceback
import types as _types
from enum import Enum
import _gencaster_host
_host_call = _gencaster_host.call
_heap_bytes = _gencaster_host.heap
_clear_interrupt = _gencaster_host.clear_interrupt
_tasks = {}

class ButtonType(str, Enum):
    DEFAULT = 'default'
    PRIMARY = 'primary'
    SUCCESS = 'success'
    WARNING = 'warning'
    INFO = 'info'
    DANGER = 'danger'

class CallbackAction(str, Enum):
    ACTIVATE_GPS_STREAMING = 'activate_gps_streaming'
    SEND_VARIABLES = 'send_variables'
    SEND_VARIABLE = 'send_variable'

def _enum(value):
    return value.value if isinstance(value, Enum) else str(value)

class Text:
    def __init__(self, text=''):
        self.text = text
    def _gencaster(self):
        return {'type': 'text', 'text': str(self.text)}

class Input:
    def __init__(self, key='input', label='input', placeholder='Please input'):
        self.key, self.label, self.placeholder = key, label, placeholder
    def _gencaster(self):
        return {'type': 'input', 'key': str(self.key), 'label': str(self.label), 'placeholder': str(self.placeholder)}

class Checkbox:
    def __init__(self, key='checkbox', label='', checked=False, callback_actions=None):
        self.key, self.label, self.checked = key, label, checked
        self.callback_actions = list(callback_actions or [])
    @classmethod
    def gps(cls, label='Is it OK to access your GPS?', key='gps'):
        return cls(key=key, label=label, callback_actions=[CallbackAction.ACTIVATE_GPS_STREAMING])
    def _gencaster(self):
        return {'type': 'checkbox', 'key': str(self.key), 'label': str(self.label), 'checked': self.checked is True,
                'callbackActions': [_enum(a) for a in self.callback_actions]}

class Button:
    def __init__(self, text='', value='', key='button', button_type=ButtonType.DEFAULT, callback_actions=None):
        self.text, self.value, self.key, self.button_type = text, value, key, button_type
        self.callback_actions = list(callback_actions if callback_actions is not None else [CallbackAction.SEND_VARIABLE])
    @classmethod
    def ok(cls, text='OK', value='ok', key='button', button_type=ButtonType.PRIMARY,
           callback_actions=(CallbackAction.SEND_VARIABLE, CallbackAction.SEND_VARIABLES)):
        return cls(text=text, value=value, key=key, button_type=button_type, callback_actions=callback_actions)
    @classmethod
    def cancel(cls, text='Cancel', value='cancel', key='button', button_type=ButtonType.WARNING,
               callback_actions=(CallbackAction.SEND_VARIABLE,)):
        return cls(text=text, value=value, key=key, button_type=button_type, callback_actions=callback_actions)
    def _gencaster(self):
        return {'text': str(self.text), 'value': str(self.value), 'key': str(self.key), 'buttonType': _enum(self.button_type),
                'callbackActions': [_enum(a) for a in self.callback_actions]}

class Dialog:
    def __init__(self, title='', content=None, buttons=None):
        self.title, self.content, self.buttons = title, list(content or []), list(buttons or [])
    @classmethod
    def gps(cls, title='GPS'):
        return cls(title=title, content=[Checkbox.gps()], buttons=[])
    def _gencaster(self):
        part = lambda item: item._gencaster() if hasattr(item, '_gencaster') else {'type': 'text', 'text': str(item)}
        return {'type': 'dialog', 'title': str(self.title), 'content': [part(c) for c in self.content],
                'buttons': [part(b) for b in self.buttons]}

ScriptCellTimeout = TimeoutError

def _place_number(variables, name, field, default):
    # Place helpers read the variables the engine derives from places (place_<name>_<field>).
    try:
        return float(variables.get('place_' + str(name) + '_' + field, default))
    except (TypeError, ValueError):
        return default

_API_CLASSES = {Text, Input, Checkbox, Button, Dialog}
_BLOCKED_BUILTINS = {'open', 'exec', 'eval', 'compile', 'breakpoint', 'input', 'help', 'exit', 'quit', 'globals',
                     'locals', 'vars', 'dir', 'memoryview', 'BaseException', 'KeyboardInterrupt', 'SystemExit',
                     'GeneratorExit', 'BaseExceptionGroup', 'copyright', 'credits', 'license', 'setattr', 'delattr'}
_BASE_BUILTINS = {k: v for k, v in builtins.__dict__.items() if k not in _BLOCKED_BUILTINS and not k.startswith('_')}
_BASE_BUILTINS.update(getattr=_safe_getattr, hasattr=_safe_hasattr, range=_safe_range, iter=_safe_iter, pow=_pow_guard,
                      type=_safe_type)

`;

const pythonRun = String.raw`
async def _send(token, method, text):
    try:
        reply = await _host_call(token, method, text)
    except Exception as error:
        message = str(error).split('Error: ')[-1]
        if 'TIMEOUT' in message or 'timed out' in message:
            raise TimeoutError(message) from None
        raise RuntimeError(message) from None
    return None if reply is None else json.loads(reply)

async def _call(token, method, *args):
    return await _send(token, method, json.dumps(list(args), default=str))

class _Variables(dict):
    """get_stream_variables(): a dict (snapshot) that can also be awaited for a fresh read."""
    def __init__(self, token, data):
        super().__init__(data)
        self._token = token
    def __await__(self):
        return _call(self._token, 'getVariables').__await__()

class _Budget(BaseException):
    pass

class _Meter:
    """CPU time, memory growth and busy resumptions (an await back within 10 ms) of one run."""
    def __init__(self, cpu_ms, max_steps, memory_bytes):
        self.left, self.steps, self.suspended = cpu_ms / 1000.0, max_steps, None
        self.memory_limit = max(memory_bytes, 64 * 1024 * 1024)
        self.ticks, self.slice_start, self.heap_at_slice, self.stopped = 0, None, 0, None
    def begin(self):
        _clear_interrupt()
        self.slice_start = time.perf_counter()
        self.heap_at_slice = _heap_bytes()
    def end(self):
        if self.slice_start is not None:
            self.left -= time.perf_counter() - self.slice_start
            self.slice_start = None

def _make_tick(meter):
    def tick():
        start = meter.slice_start
        if start is None:
            # This run's code is running outside its own run: in a finalizer during another run,
            # or after its run ended. It stops at once instead of spending the other run's time.
            raise _RunStopped('timeout', 'script code ran outside its own run')
        if meter.stopped is not None:
            # Sticky: a stop swallowed somewhere (a finalizer ignores it) comes back at every tick.
            raise _RunStopped(*meter.stopped)
        # Time at every tick (ticks can be seconds apart when C code runs between them), the
        # heap every 64th (it asks JavaScript).
        if meter.left - (time.perf_counter() - start) < 0:
            meter.stopped = ('timeout', 'script exceeded its CPU time')
        else:
            meter.ticks += 1
            if meter.ticks & 63 == 0 and _heap_bytes() - meter.heap_at_slice > meter.memory_limit:
                meter.stopped = ('memory', 'script exceeded its memory limit')
        if meter.stopped is not None:
            raise _RunStopped(*meter.stopped)
    return tick

class _Metered:
    def __init__(self, awaitable, meter):
        self.inner, self.meter = awaitable, meter
    def __await__(self):
        value, error = None, None
        meter = self.meter
        while True:
            if meter.left < 0:
                raise _Budget('script exceeded its CPU time')
            now = time.perf_counter()
            if meter.suspended is not None and now - meter.suspended < 0.01:
                meter.steps -= 1
                if meter.steps < 0:
                    raise _Budget('script keeps resuming without waiting (endless await loop?)')
            meter.begin()
            try:
                yielded = self.inner.throw(error) if error is not None else self.inner.send(value)
            except StopIteration as stop:
                meter.suspended = None
                return stop.value
            finally:
                meter.end()
            if meter.left < 0:
                raise _Budget('script exceeded its CPU time')
            meter.suspended = time.perf_counter()
            try:
                value, error = (yield yielded), None
            except BaseException as thrown:
                value, error = None, thrown

def _namespace(token, vars_dict, snapshot, meter):
    own_classes = set()
    set_attr, del_attr, aug_attr = _make_write_guards(own_classes, _API_CLASSES)
    real_build_class = builtins.__build_class__
    def build_class(function, name, *bases, **kwargs):
        if any(isinstance(base, type) and issubclass(base, type) for base in bases):
            raise TypeError('metaclasses are not available in Gencaster scripts')
        cls = real_build_class(function, name, *bases, **kwargs)
        own_classes.add(cls)
        return cls
    def owned(target):
        code = getattr(target, '__code__', None)
        if getattr(code, 'co_filename', None) == '<cell>':
            return True
        return (isinstance(target, type) and target in own_classes) or type(target) in own_classes
    modules = dict(_FACADES, random=_RunRandom())
    def safe_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name in _RUN_FACADES and name not in modules:
            modules.update(_run_facades(owned))
        if level != 0 or name not in modules:
            raise ImportError(f"module '{name}' is not available in Gencaster scripts")
        return modules[name]
    safe = dict(_BASE_BUILTINS)
    safe.update(__import__=safe_import, __build_class__=build_class, setattr=set_attr, delattr=del_attr)
    def log(message, level='info'):
        _host_call(token, 'log', json.dumps([str(level), str(message)]))
    def _print(*args, sep=' ', end='\n', file=None, flush=False):
        log(sep.join(str(a) for a in args))
    safe['print'] = _print
    async def wait_for_stream_variable(name, timeout=100.0, update_speed=None):
        value = await _call(token, 'waitForVariable', str(name), float(timeout))
        vars_dict[name] = value
        snapshot[name] = value
        return value
    async def sleep(seconds):
        await asyncio.sleep(float(seconds))
    async def emit(dialog):
        await _emit(token, dialog)
    return {'__builtins__': safe, '__name__': '__cell__', 'vars': vars_dict, 'log': log, 'sleep': sleep, 'emit': emit,
            'wait_for_stream_variable': wait_for_stream_variable,
            'get_stream_variables': lambda: _Variables(token, vars_dict),
            'inside': lambda name: _place_number(vars_dict, name, 'inside', 0.0) == 1.0,
            'distance': lambda name: _place_number(vars_dict, name, 'distance', float('inf')),
            'bearing': lambda name: _place_number(vars_dict, name, 'bearing', float('nan')),
            'dwell': lambda name: _place_number(vars_dict, name, 'dwell', 0.0),
            'visits': lambda name: int(_place_number(vars_dict, name, 'visits', 0.0)),
            'visited': lambda name: _place_number(vars_dict, name, 'visits', 0.0) > 0,
            'asyncio': modules['asyncio'], 'random': modules['random'], 'time': modules['time'],
            'datetime': _datetime.datetime, 'timedelta': _datetime.timedelta, 'Dialog': Dialog, 'Text': Text,
            'Input': Input, 'Checkbox': Checkbox, 'Button': Button, 'ButtonType': ButtonType,
            'CallbackAction': CallbackAction, 'ScriptCellTimeout': ScriptCellTimeout,
            '__gc_tick__': _make_tick(meter), '__gc_exc__': _exc_guard, '__gc_pow__': _pow_guard,
            '__gc_lshift__': _lshift_guard, '__gc_setattr__': set_attr, '__gc_delattr__': del_attr,
            '__gc_augattr__': aug_attr, '__gc_with__': _WithGuard, '__gc_async_with__': _AsyncWithGuard}

async def _emit(token, item, meter=None):
    '''Sends a dialog; meter when called from outside the run's slices (a yielded dialog), so
    user code in the dialog object (a custom _gencaster, __str__) runs as part of the run.'''
    if meter is not None:
        meter.begin()
    try:
        payload = item._gencaster() if hasattr(item, '_gencaster') else item
        text = json.dumps([payload], default=str)
    finally:
        if meter is not None:
            meter.end()
    await _send(token, 'emitDialog', text)

def _compile(mode, code):
    if mode != 'cell':
        tree = _policy_tree(ast.parse(code.strip(), '<cell>', 'eval'))
        return compile(tree, '<cell>', 'eval', flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    tree = _policy_tree(ast.parse(code, '<cell>', 'exec'))
    body = [ast.Expr(ast.Call(ast.Name('__gc_tick__', ast.Load()), [], []))] + tree.body
    body.append(ast.Expr(ast.Yield(ast.Constant(None))))
    arguments = ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])
    function = ast.AsyncFunctionDef(name='__cell__', args=arguments, body=body, decorator_list=[], returns=None, type_params=[])
    module = ast.Module(body=[function], type_ignores=[])
    ast.fix_missing_locations(module)
    return compile(module, '<cell>', 'exec')

def _line(error):
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == '<cell>']
    return lines[-1] if lines else None

def _plain(value):
    return value if isinstance(value, (bool, int, float, str, type(None))) else repr(value)

def _stop_error(error):
    kind, message = (tuple(error.args) + ('timeout', 'script exceeded its CPU time'))[:2]
    return {'kind': kind, 'message': message}

async def _evaluate(mode, code, namespace, meter, token):
    compiled = _compile(mode, code)
    if mode == 'cell':
        exec(compiled, namespace)
        generator = namespace['__cell__']()
        while True:
            try:
                item = await _Metered(generator.__anext__(), meter)
            except StopAsyncIteration:
                return None
            meter.begin()
            try:
                wanted = bool(item)
            finally:
                meter.end()
            if wanted:
                await _emit(token, item, meter)
    meter.begin()
    try:
        result = eval(compiled, namespace)
    finally:
        meter.end()
    if inspect.isawaitable(result):
        result = await _Metered(result.__await__(), meter)
    meter.begin()
    try:
        return _plain(result) if mode == 'condition' else ('' if result is None else str(result))
    finally:
        meter.end()

def _failure(error):
    if isinstance(error, _RunStopped):
        return _stop_error(error)
    if isinstance(error, _Budget):
        return {'kind': 'timeout', 'message': str(error)}
    if isinstance(error, KeyboardInterrupt):
        return {'kind': 'timeout', 'message': 'script exceeded its CPU time and was interrupted'}
    if isinstance(error, asyncio.CancelledError):
        return {'kind': 'cancelled', 'message': 'script cancelled'}
    if isinstance(error, MemoryError):
        return {'kind': 'memory', 'message': 'script ran out of memory'}
    if isinstance(error, SyntaxError):
        return {'kind': 'syntax', 'message': f'SyntaxError: {error.msg}', 'line': error.lineno or 1, 'column': error.offset or 1}
    found = {'kind': 'script', 'message': f'{type(error).__name__}: {error}'[:2000]}
    line = _line(error)
    if line is not None:
        found['line'] = line
    return found

def _collect(vars_dict, snapshot):
    changed, deleted = {}, []
    for key, item in list(vars_dict.items()):
        text = item if isinstance(item, str) else str(item)
        if snapshot.get(key) != text:
            changed[str(key)] = text
    for key in snapshot:
        if key not in vars_dict:
            deleted.append(key)
    return changed, deleted

async def _gencaster_run(token, mode, code, vars_json, cpu_ms=1000, max_steps=2000, memory_bytes=33554432):
    meter = _Meter(cpu_ms, max_steps, memory_bytes)
    _tasks[token] = asyncio.current_task()
    vars_dict = json.loads(vars_json)
    snapshot = dict(vars_dict)
    error, value, changed, deleted = None, None, {}, []
    try:
        try:
            namespace = _namespace(token, vars_dict, snapshot, meter)
            value = await _evaluate(mode, code, namespace, meter, token)
        except BaseException as e:
            error = _failure(e)
        # Values may be user objects whose __str__ runs user code: give it a small budget of its own.
        meter.left = max(meter.left, 0.2)
        meter.begin()
        try:
            changed, deleted = _collect(vars_dict, snapshot)
        finally:
            meter.end()
    except BaseException as e:
        changed, deleted = {}, []
        error = error or {'kind': 'script', 'message': f'variables could not be read back: {type(e).__name__}'}
    finally:
        _tasks.pop(token, None)
    return json.dumps({'value': value, 'changed': changed, 'deleted': deleted, 'error': error})

def _gencaster_cancel(token):
    task = _tasks.get(token)
    if task is not None:
        task.cancel()

def _gencaster_check(mode, code):
    try:
        _compile(mode, code)
        return json.dumps({'ok': True})
    except SyntaxError as e:
        return json.dumps({'ok': False, 'line': e.lineno or 1, 'column': e.offset or 1, 'message': e.msg})

for _name in [n for n in sys.modules if n in ('js', '_gencaster_host') or n.startswith('pyodide_js')]:
    del sys.modules[_name]
del _name
`;

/** Source of the Python prelude. Expects the JS module `_gencaster_host` (call, heap, clear_interrupt) to be registered. */
export const pythonPrelude = pythonPolicy + pythonHead + pythonFacades + pythonRun;
