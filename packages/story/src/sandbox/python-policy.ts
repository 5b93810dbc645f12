// The Python language policy, evaluated once per Pyodide worker before the prelude. Many runs of
// different streams share one interpreter (waiting runs must cost no memory), and CPython offers
// no isolation between code in one interpreter. So user code is checked and rewritten before it
// is compiled, the way RestrictedPython does it:
// - no name that starts with "__", no attribute that starts with "_", no frame/code/generator
//   internals (gi_/cr_/ag_/f_/tb_/co_), no `.format`/`.format_map` (they read attributes named
//   in a string) and no `.mro` (it hands out BaseException);
// - attribute writes and deletes go through a guard that allows them only on classes the run
//   defined and their instances, so no run can patch a module or class that other runs use;
// - every loop and function body starts with a tick that stops the run past its CPU or memory
//   budget, and an `except` clause can never catch that stop (nor KeyboardInterrupt): bare
//   `except:` means `except Exception:`, each clause's types are evaluated behind a guard that
//   re-raises a stop in flight, and `finally` blocks cannot swallow it with return/break/continue;
// - `**` and `<<` go through a guard that refuses results of more than a million bits.

/** Python source defining `_policy_compile(mode, code)` and the guards the rewritten code calls. */
export const pythonPolicy = String.raw`
import ast as _ast, operator as _operator, sys as _sys

class _RunStopped(BaseException):
    '''Raised by the tick; user code cannot name it or any of its bases.'''

_STOPS = (KeyboardInterrupt, _RunStopped)
_BLOCKED_ATTRS = {'format', 'format_map', 'mro'}
_INTERNAL_PREFIXES = ('gi_', 'cr_', 'ag_', 'f_', 'tb_', 'co_')
_DUNDER_DEFS = {'__init__', '__repr__', '__str__', '__eq__', '__ne__', '__lt__', '__le__', '__gt__', '__ge__',
                '__hash__', '__len__', '__bool__', '__iter__', '__next__', '__aiter__', '__anext__', '__contains__',
                '__getitem__', '__setitem__', '__delitem__', '__call__', '__add__', '__sub__', '__mul__',
                '__truediv__', '__floordiv__', '__mod__', '__neg__', '__pos__', '__abs__', '__radd__', '__rsub__',
                '__rmul__', '__post_init__', '__enter__', '__aenter__'}
_MAX_BITS = 1_000_000

def _refuse(node, what):
    error = SyntaxError(f'{what} is not allowed in Gencaster scripts')
    error.lineno = getattr(node, 'lineno', 1)
    error.offset = getattr(node, 'col_offset', 0) + 1
    raise error

def _check_attr(node, attr):
    if attr.startswith('_') or attr in _BLOCKED_ATTRS or attr.startswith(_INTERNAL_PREFIXES):
        _refuse(node, f"the attribute '.{attr}'")

def _guard_call(name, *args):
    return _ast.Call(func=_ast.Name(id=name, ctx=_ast.Load()), args=list(args), keywords=[])

def _tick_stmt():
    return _ast.Expr(value=_guard_call('__gc_tick__'))

def _has_attribute(target):
    return any(isinstance(node, _ast.Attribute) for node in _ast.walk(target))

def _check_finally(statements):
    for statement in statements:
        _walk_finally(statement, False)

def _walk_finally(node, in_loop):
    if isinstance(node, (_ast.FunctionDef, _ast.AsyncFunctionDef, _ast.ClassDef, _ast.Lambda)):
        return
    if isinstance(node, _ast.Return):
        _refuse(node, "'return' inside 'finally'")
    if isinstance(node, (_ast.Break, _ast.Continue)) and not in_loop:
        _refuse(node, "'break' or 'continue' inside 'finally'")
    loop = isinstance(node, (_ast.For, _ast.AsyncFor, _ast.While))
    for child in _ast.iter_child_nodes(node):
        _walk_finally(child, in_loop or loop)

class _Policy(_ast.NodeTransformer):
    def visit_Name(self, node):
        if node.id.startswith('__'):
            _refuse(node, f"the name '{node.id}'")
        return node

    def visit_arg(self, node):
        if node.arg.startswith('__'):
            _refuse(node, f"the name '{node.arg}'")
        return self.generic_visit(node)

    def visit_alias(self, node):
        if (node.asname or '').startswith('__') or node.name.startswith('_') or '._' in node.name:
            _refuse(node, f"importing '{node.name}'")
        return node

    def visit_Global(self, node):
        for name in node.names:
            if name.startswith('__'):
                _refuse(node, f"the name '{name}'")
        return node

    visit_Nonlocal = visit_Global

    def visit_Attribute(self, node):
        _check_attr(node, node.attr)
        if not isinstance(node.ctx, _ast.Load):
            _refuse(node, 'assigning an attribute here')
        return self.generic_visit(node)

    def visit_MatchClass(self, node):
        for attr in node.kwd_attrs:
            _check_attr(node, attr)
        return self.generic_visit(node)

    def _body(self, node):
        self.generic_visit(node)
        node.body.insert(0, _tick_stmt())
        return node

    def visit_FunctionDef(self, node):
        if node.name.startswith('__') and node.name not in _DUNDER_DEFS:
            _refuse(node, f"defining '{node.name}'")
        return self._body(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        if node.name.startswith('__'):
            _refuse(node, f"the name '{node.name}'")
        if any(keyword.arg == 'metaclass' for keyword in node.keywords):
            _refuse(node, 'a metaclass')
        return self.generic_visit(node)

    def _loop(self, node):
        if hasattr(node, 'target') and _has_attribute(node.target):
            _refuse(node, 'an attribute as loop target')
        return self._body(node)

    visit_For = visit_AsyncFor = visit_While = _loop

    def visit_Lambda(self, node):
        # A lambda ticks too: (tick(), body)[1] — map() or sorted() can call it from C code.
        self.generic_visit(node)
        pair = _ast.Tuple(elts=[_guard_call('__gc_tick__'), node.body], ctx=_ast.Load())
        node.body = _ast.Subscript(value=pair, slice=_ast.Constant(1), ctx=_ast.Load())
        return node

    def visit_comprehension(self, node):
        if _has_attribute(node.target):
            _refuse(node.target, 'an attribute as loop target')
        self.generic_visit(node)
        # A tick per iteration: the tick returns None, so the extra condition is always true.
        tick = _ast.Compare(left=_guard_call('__gc_tick__'), ops=[_ast.Is()], comparators=[_ast.Constant(None)])
        node.ifs.insert(0, tick)
        return node

    def visit_withitem(self, node):
        if node.optional_vars is not None and _has_attribute(node.optional_vars):
            _refuse(node.optional_vars, "an attribute after 'as'")
        self.generic_visit(node)
        return node

    def _with(self, node, guard):
        self.generic_visit(node)
        for item in node.items:
            item.context_expr = _guard_call(guard, item.context_expr)
        return node

    def visit_With(self, node):
        return self._with(node, '__gc_with__')

    def visit_AsyncWith(self, node):
        return self._with(node, '__gc_async_with__')

    def visit_ExceptHandler(self, node):
        self.generic_visit(node)
        kinds = node.type if node.type is not None else _ast.Name(id='Exception', ctx=_ast.Load())
        thunk = _ast.Lambda(args=_ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]), body=kinds)
        node.type = _guard_call('__gc_exc__', thunk)
        return node

    def _try(self, node):
        _check_finally(node.finalbody)
        return self.generic_visit(node)

    visit_Try = visit_TryStar = _try

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, _ast.Pow):
            return _guard_call('__gc_pow__', node.left, node.right)
        if isinstance(node.op, _ast.LShift):
            return _guard_call('__gc_lshift__', node.left, node.right)
        return node

    def _store_attr(self, target, value):
        target.value = self.visit(target.value)
        return _ast.Expr(value=_guard_call('__gc_setattr__', target.value, _ast.Constant(target.attr), value))

    def visit_Assign(self, node):
        node.value = self.visit(node.value)
        if not any(isinstance(target, _ast.Attribute) for target in node.targets):
            node.targets = [self.visit(target) for target in node.targets]
            return node
        for target in node.targets:
            if not isinstance(target, _ast.Attribute) and _has_attribute(target) and not isinstance(target, _ast.Subscript):
                _refuse(target, 'assigning attributes inside a tuple')
            _check_attr(target, getattr(target, 'attr', 'x'))
        if len(node.targets) == 1:
            return self._store_attr(node.targets[0], node.value)
        temp = _ast.Name(id='__gc_value__', ctx=_ast.Store())
        statements = [_ast.Assign(targets=[temp], value=node.value)]
        for target in node.targets:
            load = _ast.Name(id='__gc_value__', ctx=_ast.Load())
            if isinstance(target, _ast.Attribute):
                statements.append(self._store_attr(target, load))
            else:
                statements.append(_ast.Assign(targets=[self.visit(target)], value=load))
        return statements

    def visit_AnnAssign(self, node):
        if isinstance(node.target, _ast.Attribute):
            _check_attr(node.target, node.target.attr)
            if node.value is None:
                return None
            return self._store_attr(node.target, self.visit(node.value))
        return self.generic_visit(node)

    def visit_AugAssign(self, node):
        node.value = self.visit(node.value)
        target = node.target
        if isinstance(target, _ast.Attribute):
            _check_attr(target, target.attr)
            target.value = self.visit(target.value)
            op = _ast.Constant(type(node.op).__name__)
            return _ast.Expr(value=_guard_call('__gc_augattr__', target.value, _ast.Constant(target.attr), op, node.value))
        node.target = self.visit(target)
        if isinstance(node.op, (_ast.Pow, _ast.LShift)):
            if not isinstance(target, _ast.Name):
                _refuse(node, "'**=' or '<<=' on anything but a name")
            guard = '__gc_pow__' if isinstance(node.op, _ast.Pow) else '__gc_lshift__'
            load = _ast.Name(id=target.id, ctx=_ast.Load())
            return _ast.Assign(targets=[_ast.Name(id=target.id, ctx=_ast.Store())], value=_guard_call(guard, load, node.value))
        return node

    def visit_Delete(self, node):
        statements = []
        for target in node.targets:
            if isinstance(target, _ast.Attribute):
                _check_attr(target, target.attr)
                owner = self.visit(target.value)
                statements.append(_ast.Expr(value=_guard_call('__gc_delattr__', owner, _ast.Constant(target.attr))))
            else:
                if _has_attribute(target) and not isinstance(target, _ast.Subscript):
                    _refuse(target, 'deleting attributes inside a tuple')
                statements.append(_ast.Delete(targets=[self.visit(target)]))
        return statements

def _policy_tree(tree):
    tree = _Policy().visit(tree)
    _ast.fix_missing_locations(tree)
    return tree

def _exc_guard(thunk):
    '''Evaluates an except clause's types, unless a stop is in flight: that goes on up.'''
    current = _sys.exception()
    if isinstance(current, _STOPS):
        raise current
    return thunk()

def _big(value):
    return isinstance(value, int) and not isinstance(value, bool)

def _pow_guard(base, exponent, modulo=None):
    if modulo is None and _big(base) and _big(exponent) and exponent > 0 and abs(base) > 1:
        if base.bit_length() * exponent > _MAX_BITS:
            raise OverflowError('result of ** would have more than a million bits')
    return pow(base, exponent) if modulo is None else pow(base, exponent, modulo)

def _lshift_guard(value, shift):
    if _big(value) and _big(shift) and shift > _MAX_BITS:
        raise OverflowError('result of << would have more than a million bits')
    return value << shift

_AUG_OPS = {'Add': _operator.add, 'Sub': _operator.sub, 'Mult': _operator.mul, 'Div': _operator.truediv,
            'FloorDiv': _operator.floordiv, 'Mod': _operator.mod, 'Pow': _pow_guard, 'LShift': _lshift_guard,
            'RShift': _operator.rshift, 'BitOr': _operator.or_, 'BitAnd': _operator.and_, 'BitXor': _operator.xor,
            'MatMult': _operator.matmul}

def _make_write_guards(own_classes, api_classes):
    '''Attribute writes allowed only on classes this run defined, their instances, and instances
    (never the classes) of the dialog API.'''
    def owned(target):
        kind = type(target)
        return (isinstance(target, type) and target in own_classes) or kind in own_classes or kind in api_classes
    def check(target, name):
        if not isinstance(name, str):
            raise TypeError('attribute name must be a string')
        if name.startswith('_') or name in _BLOCKED_ATTRS or name.startswith(_INTERNAL_PREFIXES):
            raise AttributeError(f"the attribute '.{name}' is not available in Gencaster scripts")
        if not owned(target):
            raise AttributeError(f"cannot change attributes of {type(target).__name__} objects in Gencaster scripts")
    def set_attr(target, name, value):
        check(target, name)
        setattr(target, name, value)
    def del_attr(target, name):
        check(target, name)
        delattr(target, name)
    def aug_attr(target, name, op, value):
        check(target, name)
        setattr(target, name, _AUG_OPS[op](getattr(target, name), value))
    return set_attr, del_attr, aug_attr

def _read_guard(name):
    if not isinstance(name, str):
        raise TypeError('attribute name must be a string')
    if name.startswith('_') or name in _BLOCKED_ATTRS or name.startswith(_INTERNAL_PREFIXES):
        raise AttributeError(f"the attribute '.{name}' is not available in Gencaster scripts")

def _safe_getattr(target, name, *default):
    _read_guard(name)
    return getattr(target, name, *default)

def _safe_hasattr(target, name):
    _read_guard(name)
    return hasattr(target, name)

_MAX_RANGE = 10_000_000

def _safe_range(*args):
    found = range(*args)
    if len(found) > _MAX_RANGE:
        raise ValueError(f'range of more than {_MAX_RANGE} numbers')
    return found

class _WithGuard:
    '''Wraps the manager of a with statement: its __exit__ may swallow errors, never a stop.'''
    __slots__ = ('inner', 'exit')
    def __init__(self, inner):
        self.inner = inner
    def __enter__(self):
        kind = type(self.inner)
        enter, self.exit = kind.__enter__, kind.__exit__
        return enter(self.inner)
    def __exit__(self, kind, error, traceback):
        suppressed = self.exit(self.inner, kind, error, traceback)
        return False if isinstance(error, _STOPS) else suppressed

class _AsyncWithGuard:
    '''The same for async with.'''
    __slots__ = ('inner', 'exit')
    def __init__(self, inner):
        self.inner = inner
    async def __aenter__(self):
        kind = type(self.inner)
        enter, self.exit = kind.__aenter__, kind.__aexit__
        return await enter(self.inner)
    async def __aexit__(self, kind, error, traceback):
        suppressed = await self.exit(self.inner, kind, error, traceback)
        return False if isinstance(error, _STOPS) else suppressed

def _safe_type(*args):
    if len(args) != 1:
        raise TypeError('type() with three arguments is not available in Gencaster scripts; use a class statement')
    return type(args[0])

def _safe_iter(*args):
    if len(args) != 1:
        raise TypeError('iter() with a sentinel is not available in Gencaster scripts')
    return iter(args[0])
`;
