using Restore.Engine.Common;
using Xunit;

namespace Restore.Engine.Tests.Archive;

public class YoungGenerationLimitTests
{
    private const long Budget = YoungGenerationLimit.Budget;
    private const int Every = YoungGenerationLimit.CheckEvery;

    [Theory]
    [InlineData(0, 3, Every * 3, 0)] // no growth: never collects
    [InlineData(Budget - 1, 1, Every * 3, 0)] // once, just under the budget
    [InlineData(Budget / 2, 2, Every * 3, 1)] // two halves add up to the budget at the second check
    [InlineData(Budget, 1, Every - 1, 0)] // over the budget, but not yet checked
    [InlineData(Budget, 1, Every, 1)] // checked once: one collection
    [InlineData(Budget, 3, Every * 3, 3)] // growth after a collection counts from the heap it left
    public void CollectsOnlyAfterTheBudgetOfGrowthAndOnlyOnACheck(long growth, int checksWithGrowth, int ticks, int expectedCollections)
    {
        long heap = 100;
        var collections = 0;
        var limit = new YoungGenerationLimit(() => heap, () => collections++);

        for (var i = 1; i <= ticks; i++)
        {
            // The heap grows just before a check.
            if (i % Every == 0 && i / Every <= checksWithGrowth)
            {
                heap += growth;
            }

            limit.Tick();
        }

        Assert.Equal(expectedCollections, collections);
    }
}
