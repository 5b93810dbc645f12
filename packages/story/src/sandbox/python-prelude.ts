// Python evaluated once per Pyodide worker: the original Gencaster cell API (inventory §3.4, §3.6,
// §5) plus `_gencaster_run`/`_gencaster_check` entry points the worker calls.

/** Source of the Python prelude. Expects the JS module `_gencaster_host` to be registered. */
export const pythonPrelude = String.raw`
import ast, asyncio, builtins, datetime as _datetime, inspect, json, random, sys, time, traceback
from enum import Enum
import _gencaster_host
_host_call = _gencaster_host.call
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
_ALLOWED_MODULES = {'asyncio', 'math', 'random', 'json', 're', 'datetime', 'time', 'itertools', 'functools',
                    'collections', 'string', 'statistics', 'decimal', 'fractions', 'typing', 'enum', 'dataclasses'}
_BLOCKED_BUILTINS = {'open', 'exec', 'eval', 'compile', 'breakpoint', 'input', 'help', 'exit', 'quit', 'globals',
                     'vars', 'memoryview', '__loader__', '__spec__'}
_real_import = builtins.__import__

def _safe_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level != 0 or name.split('.')[0] not in _ALLOWED_MODULES:
        raise ImportError(f"module '{name}' is not available in Gencaster scripts")
    return _real_import(name, globals, locals, fromlist, level)

async def _call(run_id, method, *args):
    try:
        reply = await _host_call(run_id, method, json.dumps(list(args), default=str))
    except Exception as error:
        message = str(error).split('Error: ')[-1]
        if 'TIMEOUT' in message or 'timed out' in message:
            raise TimeoutError(message) from None
        raise RuntimeError(message) from None
    return None if reply is None else json.loads(reply)

class _Variables(dict):
    """get_stream_variables(): a dict (snapshot) that can also be awaited for a fresh read."""
    def __init__(self, run_id, data):
        super().__init__(data)
        self._run_id = run_id
    def __await__(self):
        return _call(self._run_id, 'getVariables').__await__()

def _namespace(run_id, vars_dict, snapshot):
    safe = {k: v for k, v in builtins.__dict__.items() if k not in _BLOCKED_BUILTINS}
    safe['__import__'] = _safe_import
    def log(message, level='info'):
        _host_call(run_id, 'log', json.dumps([str(level), str(message)]))
    def _print(*args, sep=' ', end='\n', file=None, flush=False):
        log(sep.join(str(a) for a in args))
    safe['print'] = _print
    async def wait_for_stream_variable(name, timeout=100.0, update_speed=None):
        value = await _call(run_id, 'waitForVariable', str(name), float(timeout))
        vars_dict[name] = value
        snapshot[name] = value
        return value
    async def sleep(seconds):
        await asyncio.sleep(float(seconds))
    async def emit(dialog):
        await _emit(run_id, dialog)
    return {'__builtins__': safe, '__name__': '__cell__', 'vars': vars_dict, 'log': log, 'sleep': sleep, 'emit': emit,
            'wait_for_stream_variable': wait_for_stream_variable,
            'get_stream_variables': lambda: _Variables(run_id, vars_dict),
            'asyncio': asyncio, 'random': random, 'time': time, 'datetime': _datetime.datetime,
            'timedelta': _datetime.timedelta, 'Dialog': Dialog, 'Text': Text, 'Input': Input, 'Checkbox': Checkbox,
            'Button': Button, 'ButtonType': ButtonType, 'CallbackAction': CallbackAction,
            'ScriptCellTimeout': ScriptCellTimeout}

async def _emit(run_id, item):
    payload = item._gencaster() if hasattr(item, '_gencaster') else item
    await _call(run_id, 'emitDialog', payload)

def _compile(mode, code):
    if mode != 'cell':
        return compile(code.strip(), '<cell>', 'eval', flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    tree = ast.parse(code, '<cell>', 'exec')
    body = tree.body + [ast.Expr(ast.Yield(ast.Constant(None)))]
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

class _Budget(Exception):
    pass

class _Meter:
    '''CPU time and busy resumptions (an await that came back within 10 ms) of one run.'''
    def __init__(self, cpu_ms, max_steps):
        self.left, self.steps, self.suspended = cpu_ms / 1000.0, max_steps, None

class _Metered:
    def __init__(self, awaitable, meter):
        self.inner, self.meter = awaitable, meter
    def __await__(self):
        value, error = None, None
        meter = self.meter
        while True:
            start = time.perf_counter()
            if meter.suspended is not None and start - meter.suspended < 0.01:
                meter.steps -= 1
                if meter.steps < 0:
                    raise _Budget('script keeps resuming without waiting (endless await loop?)')
            try:
                yielded = self.inner.throw(error) if error is not None else self.inner.send(value)
            except StopIteration as stop:
                meter.suspended = None
                return stop.value
            finally:
                meter.left -= time.perf_counter() - start
            if meter.left < 0:
                raise _Budget('script exceeded its CPU time')
            meter.suspended = time.perf_counter()
            try:
                value, error = (yield yielded), None
            except BaseException as thrown:
                value, error = None, thrown

async def _gencaster_run(run_id, mode, code, vars_json, cpu_ms=1000, max_steps=2000):
    meter = _Meter(cpu_ms, max_steps)
    _tasks[run_id] = asyncio.current_task()
    vars_dict = json.loads(vars_json)
    snapshot = dict(vars_dict)
    error, value = None, None
    try:
        namespace = _namespace(run_id, vars_dict, snapshot)
        compiled = _compile(mode, code)
        if mode == 'cell':
            exec(compiled, namespace)
            generator = namespace['__cell__']()
            while True:
                try:
                    item = await _Metered(generator.__anext__(), meter)
                except StopAsyncIteration:
                    break
                if item:
                    await _emit(run_id, item)
        else:
            result = eval(compiled, namespace)
            if inspect.isawaitable(result):
                result = await result
            value = _plain(result) if mode == 'condition' else ('' if result is None else str(result))
    except _Budget as e:
        error = {'kind': 'timeout', 'message': str(e)}
    except KeyboardInterrupt:
        error = {'kind': 'timeout', 'message': 'script exceeded its CPU time and was interrupted'}
    except asyncio.CancelledError:
        error = {'kind': 'cancelled', 'message': 'script cancelled'}
    except MemoryError:
        error = {'kind': 'memory', 'message': 'script ran out of memory'}
    except SyntaxError as e:
        error = {'kind': 'syntax', 'message': f'SyntaxError: {e.msg}', 'line': e.lineno or 1, 'column': e.offset or 1}
    except BaseException as e:
        error = {'kind': 'script', 'message': f'{type(e).__name__}: {e}'[:2000]}
        line = _line(e)
        if line is not None:
            error['line'] = line
    finally:
        _tasks.pop(run_id, None)
    changed, deleted = {}, []
    for key, item in list(vars_dict.items()):
        text = item if isinstance(item, str) else str(item)
        if snapshot.get(key) != text:
            changed[str(key)] = text
    for key in snapshot:
        if key not in vars_dict:
            deleted.append(key)
    return json.dumps({'value': value, 'changed': changed, 'deleted': deleted, 'error': error})

def _gencaster_cancel(run_id):
    task = _tasks.get(run_id)
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
