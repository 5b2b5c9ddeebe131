using Community.Grains.Storage;

namespace Community.UnitTests.Storage;

/// <summary>
/// What every <see cref="ILogStore"/> must do, whatever stores it. Subclasses supply the store; each test
/// works in its own partition so stores that outlive a test (Azure tables) can be shared.
/// </summary>
public abstract class LogStoreContract
{
    private readonly string _partition = "p" + Guid.NewGuid().ToString("N");

    protected abstract ILogStore CreateStore();

    [Fact]
    public async Task A_partition_never_written_has_no_head_and_no_rows()
    {
        var store = CreateStore();

        Assert.Null(await store.ReadHeadAsync(_partition));
        Assert.Null(await store.ReadAsync(_partition, LogKeys.Seq(1)));
        Assert.Empty(await store.RangeAsync(_partition, LogKeys.Seq(0), LogKeys.SeqEnd, 100));
    }

    [Fact]
    public async Task A_first_commit_without_an_etag_creates_the_head_and_its_rows()
    {
        var store = CreateStore();

        var etag = await store.CommitAsync(_partition, null, "head-1", [LogWrite.Insert(LogKeys.Seq(1), "one")]);

        var head = await store.ReadHeadAsync(_partition);
        Assert.NotNull(head);
        Assert.Equal("head-1", head.Data);
        Assert.Equal(etag, head.ETag);
        Assert.Equal(new LogRow(LogKeys.Seq(1), "one"), await store.ReadAsync(_partition, LogKeys.Seq(1)));
    }

    [Fact]
    public async Task A_commit_with_the_current_etag_replaces_the_head_and_gives_a_new_etag()
    {
        var store = CreateStore();
        var first = await store.CommitAsync(_partition, null, "head-1", []);

        var second = await store.CommitAsync(_partition, first, "head-2", []);

        Assert.NotEqual(first, second);
        var head = await store.ReadHeadAsync(_partition);
        Assert.Equal(new LogHead(second, "head-2"), head);
    }

    [Fact]
    public async Task A_commit_with_a_stale_etag_is_refused_as_a_head_conflict_and_writes_nothing()
    {
        var store = CreateStore();
        var stale = await store.CommitAsync(_partition, null, "head-1", []);
        var current = await store.CommitAsync(_partition, stale, "head-2", []);

        var ex = await Assert.ThrowsAsync<LogConflictException>(() =>
            store.CommitAsync(_partition, stale, "head-3", [LogWrite.Insert(LogKeys.Seq(1), "one")]));

        Assert.True(ex.IsHead);
        Assert.Equal(new LogHead(current, "head-2"), await store.ReadHeadAsync(_partition));
        Assert.Null(await store.ReadAsync(_partition, LogKeys.Seq(1)));
    }

    [Fact]
    public async Task Creating_a_head_that_already_exists_is_refused_as_a_head_conflict()
    {
        var store = CreateStore();
        var etag = await store.CommitAsync(_partition, null, "head-1", []);

        var ex = await Assert.ThrowsAsync<LogConflictException>(() => store.CommitAsync(_partition, null, "head-again", []));

        Assert.True(ex.IsHead);
        Assert.Equal(new LogHead(etag, "head-1"), await store.ReadHeadAsync(_partition));
    }

    [Fact]
    public async Task Replacing_a_head_that_was_never_created_is_refused_as_a_head_conflict()
    {
        var store = CreateStore();
        var etag = await store.CommitAsync(_partition, null, "head-1", []);
        var otherPartition = _partition + "x";

        var ex = await Assert.ThrowsAsync<LogConflictException>(() => store.CommitAsync(otherPartition, etag, "head", []));

        Assert.True(ex.IsHead);
        Assert.Null(await store.ReadHeadAsync(otherPartition));
    }

    [Fact]
    public async Task Inserting_an_existing_key_is_refused_at_that_write_and_nothing_from_the_batch_is_applied()
    {
        var store = CreateStore();
        var etag = await store.CommitAsync(_partition, null, "head-1", [LogWrite.Insert(LogKeys.Seq(2), "original")]);

        var ex = await Assert.ThrowsAsync<LogConflictException>(() => store.CommitAsync(_partition, etag, "head-2",
        [
            LogWrite.Insert(LogKeys.Seq(1), "new"),
            LogWrite.Upsert(LogKeys.Seq(3), "new"),
            LogWrite.Insert(LogKeys.Seq(2), "duplicate"),
            LogWrite.Insert(LogKeys.Seq(4), "new"),
        ]));

        Assert.False(ex.IsHead);
        Assert.Equal(2, ex.WriteIndex);
        Assert.Equal(new LogHead(etag, "head-1"), await store.ReadHeadAsync(_partition));
        Assert.Equal([new LogRow(LogKeys.Seq(2), "original")], await store.RangeAsync(_partition, LogKeys.Seq(0), LogKeys.SeqEnd, 100));
    }

    [Fact]
    public async Task A_refused_batch_leaves_the_etag_usable_for_the_next_attempt()
    {
        var store = CreateStore();
        var etag = await store.CommitAsync(_partition, null, "head-1", [LogWrite.Insert(LogKeys.Seq(1), "one")]);
        await Assert.ThrowsAsync<LogConflictException>(() =>
            store.CommitAsync(_partition, etag, "head-2", [LogWrite.Insert(LogKeys.Seq(1), "again")]));

        var next = await store.CommitAsync(_partition, etag, "head-2", [LogWrite.Insert(LogKeys.Seq(2), "two")]);

        Assert.Equal(new LogHead(next, "head-2"), await store.ReadHeadAsync(_partition));
        Assert.Equal(new LogRow(LogKeys.Seq(2), "two"), await store.ReadAsync(_partition, LogKeys.Seq(2)));
    }

    [Fact]
    public async Task Deleting_a_key_that_does_not_exist_is_refused_at_that_write()
    {
        var store = CreateStore();
        var etag = await store.CommitAsync(_partition, null, "head-1", []);

        var ex = await Assert.ThrowsAsync<LogConflictException>(() => store.CommitAsync(_partition, etag, "head-2",
        [
            LogWrite.Insert(LogKeys.Seq(1), "one"),
            LogWrite.Delete(LogKeys.Seq(9)),
        ]));

        Assert.Equal(1, ex.WriteIndex);
        Assert.Equal(new LogHead(etag, "head-1"), await store.ReadHeadAsync(_partition));
        Assert.Null(await store.ReadAsync(_partition, LogKeys.Seq(1)));
    }

    [Fact]
    public async Task Deleting_an_existing_key_removes_its_row()
    {
        var store = CreateStore();
        var etag = await store.CommitAsync(_partition, null, "head-1", [LogWrite.Insert(LogKeys.Seq(1), "one")]);

        await store.CommitAsync(_partition, etag, "head-2", [LogWrite.Delete(LogKeys.Seq(1))]);

        Assert.Null(await store.ReadAsync(_partition, LogKeys.Seq(1)));
    }

    [Fact]
    public async Task Upserting_adds_a_missing_row_and_replaces_an_existing_one()
    {
        var store = CreateStore();
        var etag = await store.CommitAsync(_partition, null, "head-1", [LogWrite.Upsert("l:maya", "first")]);

        await store.CommitAsync(_partition, etag, "head-2", [LogWrite.Upsert("l:maya", "second")]);

        Assert.Equal(new LogRow("l:maya", "second"), await store.ReadAsync(_partition, "l:maya"));
    }

    [Fact]
    public async Task A_range_returns_the_rows_from_its_first_key_up_to_but_not_including_its_last_in_key_order()
    {
        var store = CreateStore();
        long[] seqs = [10, 3, 1, 5, 2, 4];
        await store.CommitAsync(_partition, null, "head", seqs.Select(s => LogWrite.Insert(LogKeys.Seq(s), $"c{s}")).ToList());

        var rows = await store.RangeAsync(_partition, LogKeys.Seq(2), LogKeys.Seq(5), 100);

        Assert.Equal(["c2", "c3", "c4"], rows.Select(r => r.Data));
        Assert.Equal([LogKeys.Seq(2), LogKeys.Seq(3), LogKeys.Seq(4)], rows.Select(r => r.Key));
    }

    [Fact]
    public async Task A_range_returns_at_most_its_limit_taking_the_lowest_keys()
    {
        var store = CreateStore();
        await store.CommitAsync(_partition, null, "head", Enumerable.Range(1, 20).Select(s => LogWrite.Insert(LogKeys.Seq(s), $"c{s}")).ToList());

        var rows = await store.RangeAsync(_partition, LogKeys.Seq(5), LogKeys.SeqEnd, 3);

        Assert.Equal(["c5", "c6", "c7"], rows.Select(r => r.Data));
    }

    [Fact]
    public async Task A_range_sees_only_its_own_partition()
    {
        var store = CreateStore();
        var otherPartition = _partition + "x";
        await store.CommitAsync(_partition, null, "head", [LogWrite.Insert(LogKeys.Seq(1), "mine")]);
        await store.CommitAsync(otherPartition, null, "head", [LogWrite.Insert(LogKeys.Seq(2), "theirs")]);

        var rows = await store.RangeAsync(_partition, LogKeys.Seq(0), LogKeys.SeqEnd, 100);

        Assert.Equal(["mine"], rows.Select(r => r.Data));
    }

    [Fact]
    public async Task A_batch_of_99_writes_besides_the_head_commits()
    {
        var store = CreateStore();

        await store.CommitAsync(_partition, null, "head", Inserts(ILogStore.MaxBatch - 1));

        var rows = await store.RangeAsync(_partition, LogKeys.Seq(0), LogKeys.SeqEnd, 1_000);
        Assert.Equal(ILogStore.MaxBatch - 1, rows.Count);
    }

    [Fact]
    public async Task A_batch_of_more_than_99_writes_besides_the_head_is_refused_before_anything_is_written()
    {
        var store = CreateStore();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(_partition, null, "head", Inserts(ILogStore.MaxBatch)));

        Assert.Contains("99", ex.Message);
        Assert.Null(await store.ReadHeadAsync(_partition));
        Assert.Empty(await store.RangeAsync(_partition, LogKeys.Seq(0), LogKeys.SeqEnd, 1_000));
    }

    private static List<LogWrite> Inserts(int count) =>
        Enumerable.Range(1, count).Select(s => LogWrite.Insert(LogKeys.Seq(s), $"c{s}")).ToList();
}
