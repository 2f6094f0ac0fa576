namespace Restore.PowerShell.Infrastructure;

/// <summary>Where the cmdlets' help pages are online: <c>Get-Help -Online</c> and the help's "Online Version" link.</summary>
internal static class HelpLinks
{
    /// <summary>
    /// The docs folder of the public repository; each cmdlet's <c>HelpUri</c> is this and <c>&lt;Cmdlet&gt;.md</c>.
    /// A placeholder until the repository is published: change it here, once.
    /// </summary>
    public const string Docs = "https://github.com/restore-ps/Restore/blob/main/docs/";
}
