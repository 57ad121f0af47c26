namespace VoipKit.Server;

/// <summary>
/// Hands out ports of a <see cref="RelayPortRange"/>, least recently freed first, so that a
/// port just released is not reused at once (late packets of the old allocation must not
/// reach a new one). Thread-safe.
/// </summary>
internal sealed class RelayPortAllocator
{
    private readonly Queue<int> _free;
    private readonly HashSet<int> _inUse = [];
    private readonly Lock _gate = new();

    public RelayPortAllocator(RelayPortRange range)
    {
        _free = new Queue<int>(Enumerable.Range(range.First, range.Count));
    }

    public int InUse
    {
        get
        {
            lock (_gate)
            {
                return _inUse.Count;
            }
        }
    }

    public bool TryAllocate(out int port)
    {
        lock (_gate)
        {
            if (_free.TryDequeue(out port))
            {
                _inUse.Add(port);
                return true;
            }

            return false;
        }
    }

    public void Release(int port)
    {
        lock (_gate)
        {
            if (!_inUse.Remove(port))
            {
                throw new InvalidOperationException($"Port {port} is not allocated.");
            }

            _free.Enqueue(port);
        }
    }
}
