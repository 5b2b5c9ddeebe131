using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Community.IntegrationTests.Infrastructure;

/// <summary>What <see cref="StorageFaultProxy"/> does to a request it was told to fault.</summary>
public enum StorageFault
{
    /// <summary>The request is forwarded and lands; its answer reaches the caller only after the given delay.</summary>
    DelayResponse,

    /// <summary>The request never reaches storage: the connection is closed instead.</summary>
    DropRequest,

    /// <summary>The request is forwarded and lands; once storage answers, the connection is cut and the answer lost.</summary>
    CutResponse,
}

/// <summary>
/// A TCP proxy between a host and Azurite's Table endpoint that faults chosen requests: the storage failures whose
/// outcome the caller cannot know (a write that landed but whose answer was lost or late). It reads each HTTP/1.1
/// request whole (head and body: a batch names its partitions only in the body), asks the armed faults whether
/// one applies, and passes everything else through unchanged. Answers are copied as bytes; the client never
/// pipelines, so the answer that follows a faulted request is that request's own.
/// </summary>
public sealed class StorageFaultProxy : IAsyncDisposable
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Armed> _armed = [];
    private readonly List<string> _faulted = [];
    private readonly Task _accepting;

    private StorageFaultProxy(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The first line of each request faulted so far.</summary>
    public IReadOnlyList<string> Faulted
    {
        get
        {
            lock (_armed)
            {
                return [.. _faulted];
            }
        }
    }

    /// <summary>Starts a proxy in front of the Table endpoint of <paramref name="connectionString"/>.</summary>
    public static StorageFaultProxy For(string connectionString)
    {
        var endpoint = new Uri(TableEndpoint(connectionString).Groups[1].Value);
        return new StorageFaultProxy(new IPEndPoint(IPAddress.Loopback, endpoint.Port));
    }

    /// <summary><paramref name="connectionString"/> with its Table endpoint moved to this proxy.</summary>
    public string Route(string connectionString)
    {
        var match = TableEndpoint(connectionString);
        var proxied = new UriBuilder(match.Groups[1].Value) { Port = Port }.Uri.ToString().TrimEnd('/');
        return connectionString.Replace(match.Value, "TableEndpoint=" + proxied, StringComparison.Ordinal);
    }

    /// <summary>
    /// Faults the next <paramref name="times"/> requests whose text (request line, headers and body) satisfies
    /// <paramref name="when"/>. <paramref name="delay"/> is for <see cref="StorageFault.DelayResponse"/>.
    /// </summary>
    public void Arm(StorageFault fault, Func<string, bool> when, int times = 1, TimeSpan delay = default)
    {
        lock (_armed)
        {
            _armed.Add(new Armed(fault, when, delay) { Left = times });
        }
    }

    /// <summary>Clears the faults not used up yet.</summary>
    public void Disarm()
    {
        lock (_armed)
        {
            _armed.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private static Match TableEndpoint(string connectionString) =>
        Regex.Match(connectionString, "TableEndpoint=([^;]+)") is { Success: true } m
            ? m
            : throw new ArgumentException("The connection string names no TableEndpoint.", nameof(connectionString));

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        using var _ = client;
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            await upstream.ConnectAsync(_upstream, cut.Token);
            var connection = new Connection(client.GetStream(), upstream.GetStream());
            await Task.WhenAny(PumpRequestsAsync(connection, cut.Token), PumpAnswersAsync(connection, cut.Token));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            await cut.CancelAsync();
        }
    }

    private async Task PumpRequestsAsync(Connection connection, CancellationToken cancellationToken)
    {
        var pending = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var request = await ReadRequestAsync(connection.Client, pending, buffer, cancellationToken);
            if (request is null)
            {
                return;
            }

            var fault = Take(Encoding.Latin1.GetString(request));
            if (fault?.Fault == StorageFault.DropRequest)
            {
                return;
            }

            connection.Next = fault;
            await connection.Storage.WriteAsync(request, cancellationToken);
        }
    }

    private static async Task PumpAnswersAsync(Connection connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await connection.Storage.ReadAsync(buffer, cancellationToken)) > 0)
        {
            // Storage has answered, so the request has landed.
            switch (connection.Next)
            {
                case { Fault: StorageFault.CutResponse }:
                    return;
                case { Fault: StorageFault.DelayResponse } delayed:
                    await Task.Delay(delayed.Delay, cancellationToken);
                    break;
            }

            connection.Next = null;
            await connection.Client.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>One whole request (head, and a body by Content-Length or chunked); null when the client closed.</summary>
    private static async Task<byte[]?> ReadRequestAsync(Stream from, MemoryStream pending, byte[] buffer, CancellationToken cancellationToken)
    {
        int headLength;
        while ((headLength = IndexOf(pending, HeadEnd, 0)) < 0)
        {
            if (!await FillAsync(from, pending, buffer, cancellationToken))
            {
                return null;
            }
        }

        headLength += HeadEnd.Length;
        var head = Encoding.Latin1.GetString(pending.GetBuffer(), 0, headLength);
        int length;
        if (Regex.Match(head, @"\r\nContent-Length:\s*(\d+)", RegexOptions.IgnoreCase) is { Success: true } contentLength)
        {
            length = headLength + int.Parse(contentLength.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            while (pending.Length < length)
            {
                if (!await FillAsync(from, pending, buffer, cancellationToken))
                {
                    return null;
                }
            }
        }
        else if (Regex.IsMatch(head, @"\r\nTransfer-Encoding:\s*chunked", RegexOptions.IgnoreCase))
        {
            var end = "\r\n0\r\n\r\n"u8.ToArray();
            while ((length = IndexOf(pending, end, headLength - 2)) < 0)
            {
                if (!await FillAsync(from, pending, buffer, cancellationToken))
                {
                    return null;
                }
            }

            length += end.Length;
        }
        else
        {
            length = headLength;
        }

        var request = pending.GetBuffer().AsSpan(0, length).ToArray();
        var rest = pending.GetBuffer().AsSpan(length, (int)pending.Length - length).ToArray();
        pending.SetLength(0);
        pending.Write(rest);
        return request;
    }

    private static async Task<bool> FillAsync(Stream from, MemoryStream into, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = await from.ReadAsync(buffer, cancellationToken);
        into.Write(buffer, 0, read);
        return read > 0;
    }

    private static int IndexOf(MemoryStream stream, byte[] value, int from) =>
        stream.GetBuffer().AsSpan(0, (int)stream.Length)[Math.Max(0, from)..].IndexOf(value) is var i and >= 0 ? i + Math.Max(0, from) : -1;

    private Armed? Take(string request)
    {
        lock (_armed)
        {
            var armed = _armed.FirstOrDefault(a => a.When(request));
            if (armed is null)
            {
                return null;
            }

            if (--armed.Left == 0)
            {
                _armed.Remove(armed);
            }

            _faulted.Add(request[..request.IndexOf('\r', StringComparison.Ordinal)]);
            return armed;
        }
    }

    private sealed record Armed(StorageFault Fault, Func<string, bool> When, TimeSpan Delay)
    {
        public int Left { get; set; }
    }

    private sealed class Connection(Stream client, Stream storage)
    {
        public Stream Client { get; } = client;

        public Stream Storage { get; } = storage;

        /// <summary>The fault for the answer to the request just forwarded.</summary>
        public volatile Armed? Next;
    }
}
