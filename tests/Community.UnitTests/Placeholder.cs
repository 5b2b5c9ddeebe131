namespace Community.UnitTests;
