using System.Text.Json.Nodes;
using Restore.Engine.Actions;
using Xunit;

namespace Restore.Engine.Tests.Actions;

public class RestoreItemActionContextTests
{
    [Fact]
    public void The_backed_up_copy_is_decoded_only_when_read_and_only_once()
    {
        var reads = 0;
        var backup = new JsonObject { ["kind"] = "Secret" };
        var context = new RestoreItemActionContext(new JsonObject(), () => { reads++; return backup; }, "secrets", "ns", "ns", new RestoreActionOptions(), null);

        Assert.Equal(0, reads);
        Assert.Same(backup, context.ItemFromBackup);
        Assert.Same(backup, context.ItemFromBackup);
        Assert.Equal(1, reads);
    }

    [Fact]
    public void A_given_backed_up_copy_is_returned_as_is()
    {
        var backup = new JsonObject { ["kind"] = "Secret" };
        var context = new RestoreItemActionContext(new JsonObject(), backup, "secrets", "ns", "ns", new RestoreActionOptions(), null);

        Assert.Same(backup, context.ItemFromBackup);
    }
}
