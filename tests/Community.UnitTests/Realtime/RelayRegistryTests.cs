using System.Net;
using Community.Grains.Realtime;
using Community.Realtime;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Community.UnitTests.Realtime;

public class RelayRegistryTests
{
    [Fact]
    public void A_new_registry_knows_no_relays()
    {
        Assert.Empty(new RelayRegistry().Current.Relays);
    }

    [Fact]
    public void An_update_replaces_the_known_relays()
    {
        var registry = new RelayRegistry();
        var relays = new RelaySet(3, [Entry("host-a", Silo(11111))]);

        registry.Update(relays);

        Assert.Same(relays, registry.Current);
    }

    [Fact]
    public void Removing_dead_silos_forgets_their_relays_and_keeps_every_other_host()
    {
        var registry = new RelayRegistry();
        registry.Update(new RelaySet(7,
        [
            Entry("host-a", Silo(11111)),
            Entry("host-b", Silo(11112)),
            Entry("host-c", Silo(11113)),
        ]));

        registry.RemoveSilos([Silo(11111), Silo(11113)]);

        Assert.Equal(["host-b"], registry.Current.Relays.Select(r => r.HostId));
    }

    [Fact]
    public void Removing_silos_that_hold_no_relay_keeps_every_host()
    {
        var registry = new RelayRegistry();
        registry.Update(new RelaySet(7, [Entry("host-a", Silo(11111)), Entry("host-b", Silo(11112))]));

        registry.RemoveSilos([Silo(22222)]);

        Assert.Equal(["host-a", "host-b"], registry.Current.Relays.Select(r => r.HostId));
    }

    [Fact]
    public void Removing_a_dead_silo_keeps_the_relay_of_its_restarted_successor_on_the_same_endpoint()
    {
        var registry = new RelayRegistry();
        registry.Update(new RelaySet(7, [Entry("host-old", Silo(11111, generation: 1)), Entry("host-new", Silo(11111, generation: 2))]));

        registry.RemoveSilos([Silo(11111, generation: 1)]);

        Assert.Equal(["host-new"], registry.Current.Relays.Select(r => r.HostId));
    }

    [Fact]
    public void An_older_set_does_not_replace_a_newer_one()
    {
        var registry = new RelayRegistry();
        var newer = new RelaySet(9, [Entry("host-a", Silo(11111)), Entry("host-b", Silo(11112))]);
        registry.Update(newer);

        Assert.False(registry.Update(new RelaySet(8, [Entry("host-a", Silo(11111))])));

        Assert.Same(newer, registry.Current);
    }

    [Fact]
    public void A_set_that_still_lists_a_dead_silo_leaves_its_relay_out()
    {
        var registry = new RelayRegistry();
        registry.RemoveSilos([Silo(11111)]);

        registry.Update(new RelaySet(9, [Entry("host-a", Silo(11111)), Entry("host-b", Silo(11112))]));

        Assert.Equal(["host-b"], registry.Current.Relays.Select(r => r.HostId));
    }

    [Fact]
    public void An_active_silo_without_a_relay_is_missed()
    {
        var registry = new RelayRegistry();
        registry.Update(new RelaySet(7, [Entry("host-a", Silo(11111))]));

        Assert.False(registry.Misses([Silo(11111)]));
        Assert.True(registry.Misses([Silo(11111), Silo(11112)]));
    }

    [Fact]
    public void The_directory_lists_a_host_once_and_moves_its_version_on_each_change_only()
    {
        var directory = new RelayRegistry(new FakeTimeProvider());
        var entry = Entry("host-a", Silo(11111));

        Assert.True(directory.Register(entry));
        var first = directory.Current;
        Assert.False(directory.Register(entry));
        Assert.Same(first, directory.Current);

        Assert.True(directory.Register(Entry("host-b", Silo(11112))));
        Assert.True(directory.Current.Version > first.Version);
        Assert.Equal(["host-a", "host-b"], directory.Current.Relays.Select(r => r.HostId));
    }

    [Fact]
    public void The_directory_prunes_dead_silos_and_unregisters_stopped_hosts()
    {
        var directory = new RelayRegistry(new FakeTimeProvider());
        directory.Register(Entry("host-a", Silo(11111)));
        directory.Register(Entry("host-b", Silo(11112)));
        directory.Register(Entry("host-c", Silo(11113)));

        Assert.True(directory.Prune([Silo(11111)]));
        Assert.False(directory.Prune([Silo(11111)]));
        Assert.True(directory.Unregister("host-c"));
        Assert.False(directory.Unregister("host-c"));

        Assert.Equal(["host-b"], directory.Current.Relays.Select(r => r.HostId));
    }

    [Fact]
    public void A_directory_that_starts_afresh_still_versions_after_its_predecessor()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var before = new RelayRegistry(time);
        before.Register(Entry("host-a", Silo(11111)));
        before.Register(Entry("host-b", Silo(11112)));

        time.Advance(TimeSpan.FromSeconds(1));
        var after = new RelayRegistry(time);
        after.Register(Entry("host-a", Silo(11111)));

        Assert.True(after.Current.Version > before.Current.Version);
    }

    private static SiloAddress Silo(int port, int generation = 1) =>
        SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    private static RelayEntry Entry(string hostId, SiloAddress silo) => new(hostId, silo, new UnusedRelay());

    /// <summary>The registry only holds relays; it never calls them.</summary>
    private sealed class UnusedRelay : IRealtimeRelay
    {
        public Task<RelayReceipt> Deliver(IReadOnlyList<RealtimeEvent> batch) => throw new NotSupportedException();

        public Task RelaysChanged(RelaySet relays) => throw new NotSupportedException();
    }
}
