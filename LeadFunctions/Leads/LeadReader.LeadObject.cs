using System.Buffers;

namespace LeadFunctions.Leads;

/// <summary>The normalised lead as one read builds it: its objects, their properties, and what the read noted.</summary>
public sealed partial class LeadReader
{
    /// <summary>What one read collects on its way: notes in document order, and whether every declared type held.</summary>
    internal struct Walk()
    {
        public List<LeadFinding>? Notes;

        public bool TypesHeld = true;

        public void Note(string path, string name, string message) => (Notes ??= []).Add(new LeadFinding($"{path}.{name}", message));
    }

    internal readonly record struct Entry(string Name, JsonElement Value, string? Text, LeadObject? Children);

    /// <summary>One object of the normalised lead, in the order names first appeared (a repeated name moves to the end).</summary>
    internal sealed class LeadObject
    {
        public static readonly LeadObject Empty = new();

        private Entry[] _entries = [];
        private int _count;
        private int _gaps;
        private Dictionary<string, int>? _index;

        [ThreadStatic]
        private static LeadObject? t_free;

        private LeadObject? _nextFree;

        /// <summary>From this thread's free list (a read uses one per object of the lead, then returns them).</summary>
        public static LeadObject Rent()
        {
            var level = t_free ?? new LeadObject();
            t_free = level._nextFree;
            level._nextFree = null;
            level._entries = ArrayPool<Entry>.Shared.Rent(16);
            return level;
        }

        /// <summary>Adds a property; true when it replaced one of the same name (the last one wins).</summary>
        public bool Add(Entry entry)
        {
            // A replaced entry becomes a gap (Compact closes the gaps once), so that many repeats stay linear.
            var existing = IndexOf(entry.Name);
            if (existing >= 0)
            {
                _entries[existing].Children?.Return();
                _entries[existing] = default;
                _gaps++;
            }

            if (_count == _entries.Length)
            {
                var larger = ArrayPool<Entry>.Shared.Rent(_entries.Length * 2);
                _entries.AsSpan(0, _count).CopyTo(larger);
                ReturnArray();
                _entries = larger;
            }

            _entries[_count] = entry;
            if (_index is not null) _index[entry.Name] = _count;
            _count++;
            return existing >= 0;
        }

        public void Compact()
        {
            if (_gaps == 0) return;
            var kept = 0;
            for (var i = 0; i < _count; i++)
            {
                if (_entries[i].Name is not null) _entries[kept++] = _entries[i];
            }

            Array.Clear(_entries, kept, _count - kept);
            _count = kept;
            _gaps = 0;
            _index = null;
        }

        public Entry? Find(string name) => IndexOf(name) is var i and >= 0 ? _entries[i] : null;

        public string? Text(string name) => Find(name)?.Text;

        public ReadOnlySpan<Entry> Entries => _entries.AsSpan(0, _count);

        public JsonObject ToJsonObject()
        {
            // Built from a sized collection: JsonObject then allocates its dictionary once instead of growing it.
            var properties = ArrayPool<KeyValuePair<string, JsonNode?>>.Shared.Rent(Math.Max(_count, 1));
            try
            {
                for (var i = 0; i < _count; i++)
                {
                    var entry = _entries[i];
                    properties[i] = new(entry.Name, entry switch
                    {
                        { Children: { } children } => children.ToJsonObject(),
                        { Text: { } text } => JsonValue.Create(text),
                        _ => CanonicalJson.AsPosted(entry.Value),
                    });
                }

                return new JsonObject(new ArraySegment<KeyValuePair<string, JsonNode?>>(properties, 0, _count));
            }
            finally
            {
                ArrayPool<KeyValuePair<string, JsonNode?>>.Shared.Return(properties, clearArray: true);
            }
        }

        public void Return()
        {
            if (ReferenceEquals(this, Empty)) return;
            foreach (var entry in Entries) entry.Children?.Return();
            ReturnArray();
            _entries = [];
            _count = 0;
            _gaps = 0;
            _index = null;
            _nextFree = t_free;
            t_free = this;
        }

        private void ReturnArray()
        {
            if (_entries.Length > 0) ArrayPool<Entry>.Shared.Return(_entries, clearArray: true);
        }

        private int IndexOf(string name)
        {
            if (_index is null && _count > 16)
            {
                _index = new Dictionary<string, int>(_count, StringComparer.Ordinal);
                for (var i = 0; i < _count; i++)
                {
                    if (_entries[i].Name is { } existing) _index[existing] = i;
                }
            }

            if (_index is not null) return _index.GetValueOrDefault(name, -1);
            for (var i = 0; i < _count; i++)
            {
                if (string.Equals(_entries[i].Name, name, StringComparison.Ordinal)) return i;
            }

            return -1;
        }
    }
}
