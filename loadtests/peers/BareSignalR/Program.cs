using Community.LoadTests.Peers.BareSignalR;

// Listens where --urls says (default http://127.0.0.1:5091); the load driver starts it with a free port.
await using var app = PeerApp.Build(args);
await app.RunAsync();
