using System.Net;
using Community.Grains.Realtime;
using Community.Realtime;
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
