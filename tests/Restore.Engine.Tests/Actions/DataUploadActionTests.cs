using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class DataUploadActionTests
{
    [Theory]
    [InlineData("{'metadata':{'name':'du-1'},'spec':{'sourcePVC':'data'}}")]
    [InlineData("{}")]
    public void AlwaysSkips(string input)
    {
        var context = Context(input, "datauploads.velero.io", "velero");
        var result = Run(new DataUploadAction(), context);

        Assert.True(result.Skip);
        Assert.Equal("data mover results cannot be restored client-side", result.SkipReason);
        Assert.Empty(result.AdditionalItems);
    }
}
