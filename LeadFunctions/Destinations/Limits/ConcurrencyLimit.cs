namespace LeadFunctions.Destinations.Limits;

/// <summary>Halved when a throttling episode starts, then ramps up. Not thread-safe: <see cref="Slots"/> holds its lock.</summary>
internal sealed class ConcurrencyLimit(int maxConcurrency)
{
    private readonly int _max = maxConcurrency;
    private int? _hint;
    private int? _share;
    private int _successes;
    private int _value = maxConcurrency;
    private int _ceiling = maxConcurrency;

    public int Value => _value;

    public int Ceiling => _ceiling;

    /// <summary>The ceiling of this instance alone: <c>MaxConcurrency</c>, or the server's lower hint.</summary>
    public int OwnCeiling => _hint is { } hint ? Math.Min(_max, hint) : _max;

    /// <summary>Whether it is at its ceiling; safe without the lock, so that a success at full speed takes none.</summary>
    public bool AtCeiling => Volatile.Read(ref _value) >= Volatile.Read(ref _ceiling);

    /// <summary>A <c>429</c>: the first of an episode halves the limit; any ends the run of successes. Returns the limit.</summary>
    public int Throttled(bool episode)
    {
        if (episode) _value = Math.Max(Math.Min(1, _ceiling), _value / 2);
        _successes = 0;
        return _value;
    }

    public bool Succeeded()
    {
        if (_value >= _ceiling || ++_successes < _value) return false;
        (_value, _successes) = (_value + 1, 0);
        return true;
    }

    public bool Hint(int hint) => hint >= 1 && _hint != hint && Set(hint, _share);

    public void Share(int share) => Set(_hint, Math.Max(0, share));

    /// <summary>A lower ceiling lowers the limit at once; a higher one raises it only from the ceiling (else it ramps) or from zero.</summary>
    private bool Set(int? hint, int? share)
    {
        var wasAtCeiling = _value >= _ceiling;
        (_hint, _share) = (hint, share);
        _ceiling = _share is { } external ? Math.Min(OwnCeiling, external) : OwnCeiling;
        if (_value > _ceiling || wasAtCeiling || _value == 0) _value = _ceiling;
        return true;
    }
}
