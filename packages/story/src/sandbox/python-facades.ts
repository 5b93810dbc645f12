// Python evaluated in the prelude (python-prelude.ts) between its builtins and its run code: the
// stdlib modules scripts may import, as read-only facades shared by all runs, and the few that
// are made per run (random, and the dataclasses/functools decorators that change what they are
// given, limited to the run's own objects).

/** Python source defining `_FACADES`, `_RunRandom` and `_run_facades(owned)`. */
export const pythonFacades = String.raw`
def _facade(module, names, name=None, **extra):
    '''A read-only stand-in for a module: a slot-less instance whose attributes live on its own
    class, so neither setattr nor functools.update_wrapper nor __dict__ can change it.'''
    found = {key: getattr(module, key) for key in names if hasattr(module, key)}
    found.update(extra)
    # Class attributes that are descriptors (Python functions) would bind to the instance.
    found = {key: staticmethod(value) if hasattr(type(value), '__get__') and not isinstance(value, type) else value
             for key, value in found.items()}
    found['__slots__'] = ()
    found['__repr__'] = lambda self: f"<module '{kind.__name__}'>"
    kind = type(name or getattr(module, '__name__', 'module'), (), found)
    return kind()

def _capped(fn, limit):
    def wrapper(*args):
        if any(isinstance(a, int) and a > limit for a in args):
            raise ValueError(f'{fn.__name__}() of a number above {limit}')
        return fn(*args)
    return wrapper

def _module_facades():
    import collections, dataclasses, decimal, fractions, functools, itertools, math, re, statistics, string
    import enum as _enum_module
    facades = {
        'math': _facade(math, [n for n in dir(math) if not n.startswith('_')]),
        'json': _facade(json, ['dumps', 'loads', 'JSONDecodeError']),
        're': _facade(re, ['compile', 'match', 'fullmatch', 'search', 'sub', 'subn', 'split', 'findall', 'finditer',
                           'escape', 'IGNORECASE', 'I', 'MULTILINE', 'M', 'DOTALL', 'S', 'VERBOSE', 'X', 'ASCII', 'A',
                           'error', 'Pattern', 'Match']),
        'datetime': _facade(_datetime, ['date', 'time', 'datetime', 'timedelta', 'timezone', 'MINYEAR', 'MAXYEAR']),
        'time': _facade(time, ['time', 'time_ns', 'monotonic', 'perf_counter', 'strftime', 'gmtime', 'localtime', 'mktime']),
        'itertools': _facade(itertools, ['accumulate', 'batched', 'chain', 'combinations', 'combinations_with_replacement',
                                         'compress', 'dropwhile', 'filterfalse', 'groupby', 'islice', 'pairwise',
                                         'permutations', 'product', 'starmap', 'takewhile', 'tee', 'zip_longest']),
        'collections': _facade(collections, ['Counter', 'OrderedDict', 'defaultdict', 'deque', 'namedtuple', 'ChainMap']),
        'statistics': _facade(statistics, ['mean', 'fmean', 'geometric_mean', 'harmonic_mean', 'median', 'median_low',
                                           'median_high', 'mode', 'multimode', 'quantiles', 'stdev', 'pstdev',
                                           'variance', 'pvariance']),
        'decimal': _facade(decimal, ['Decimal', 'InvalidOperation', 'ROUND_HALF_UP', 'ROUND_HALF_EVEN', 'ROUND_DOWN',
                                     'ROUND_UP', 'ROUND_FLOOR', 'ROUND_CEILING']),
        'fractions': _facade(fractions, ['Fraction']),
        'string': _facade(string, ['ascii_letters', 'ascii_lowercase', 'ascii_uppercase', 'digits', 'hexdigits',
                                   'octdigits', 'punctuation', 'printable', 'whitespace', 'capwords', 'Template']),
        'enum': _facade(_enum_module, ['Enum', 'IntEnum', 'StrEnum', 'Flag', 'IntFlag', 'auto', 'unique']),
        'asyncio': _facade(asyncio, ['sleep', 'wait_for', 'TimeoutError']),
    }
    capped = {name: _capped(getattr(math, name), 100_000) for name in ('factorial', 'comb', 'perm')}
    facades['math'] = _facade(math, [n for n in dir(math) if not n.startswith('_') and n not in capped], **capped)
    return facades

_FACADES = _module_facades()
_RANDOM_NAMES = ['random', 'uniform', 'randint', 'randrange', 'choice', 'choices', 'shuffle', 'sample', 'seed', 'gauss',
                 'normalvariate', 'lognormvariate', 'triangular', 'betavariate', 'expovariate', 'vonmisesvariate',
                 'gammavariate', 'paretovariate', 'weibullvariate', 'getrandbits', 'binomialvariate']

class _RunRandom:
    """The random module of one run: its own generator, so seeding it changes nobody else's
    numbers. One class for all runs (building a class per run is slow in Pyodide); no __dict__."""
    __slots__ = ('_generator',)
    Random = _random.Random
    def __init__(self):
        self._generator = _random.Random()
    def __repr__(self):
        return "<module 'random'>"

def _delegate(name):
    def method(self, *args, **kwargs):
        return getattr(self._generator, name)(*args, **kwargs)
    method.__name__ = name
    return method

for _name in _RANDOM_NAMES:
    setattr(_RunRandom, _name, _delegate(_name))

import dataclasses as _dataclasses, functools as _functools

_RUN_FACADES = ('dataclasses', 'functools')

def _run_facades(owned):
    '''functools and dataclasses for one run: their decorators change the object they are given,
    so they accept only the run's own classes and functions, never a shared one.'''
    def own(target, what):
        if not owned(target):
            raise TypeError(f'{what} works only on classes and functions of this script')
        return target
    def dataclass(cls=None, /, **options):
        if cls is None:
            return lambda inner: _dataclasses.dataclass(own(inner, 'dataclass()'), **options)
        return _dataclasses.dataclass(own(cls, 'dataclass()'), **options)
    def total_ordering(cls):
        return _functools.total_ordering(own(cls, 'total_ordering()'))
    def wraps(wrapped, **options):
        return lambda wrapper: _functools.wraps(wrapped, **options)(own(wrapper, 'wraps()'))
    return {
        'dataclasses': _facade(_dataclasses, ['field', 'fields', 'asdict', 'astuple', 'replace', 'is_dataclass'],
                               'dataclasses', dataclass=dataclass),
        'functools': _facade(_functools, ['reduce', 'partial', 'lru_cache', 'cache', 'cmp_to_key'], 'functools',
                             total_ordering=total_ordering, wraps=wraps),
    }

`;
