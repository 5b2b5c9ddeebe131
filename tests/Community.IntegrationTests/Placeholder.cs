namespace Community.IntegrationTests;
