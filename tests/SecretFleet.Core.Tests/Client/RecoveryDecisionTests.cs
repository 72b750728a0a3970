using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using SecretFleet.Core.Client;
using SecretFleet.Core.Protos;
using static SecretFleet.Core.Tests.Client.SharesOnTheWire;

namespace SecretFleet.Core.Tests.Client;

/// <summary>
/// The full read's decision against one lying node (node x 2 of a 3-of-5 fleet unless said
/// otherwise): recovery succeeds while t honest nodes answer, the liar is named whenever its
/// answer proves it wrong, and no honest node is ever named.
/// </summary>
[Trait("Category", "Unit")]
[Trait("Category", "Adversarial")]
public sealed class RecoveryDecisionTests
{
    private const byte Liar = 2;
    private static readonly byte[] Honest = [1, 3, 4, 5];

    public static TheoryData<string> Lies => ["x = 0", "another node's x", "share one block longer", "share not whole blocks", "share too short",
        "threshold not the client's", "commitment of 31 bytes", "another commitment", "another name", "garbage with the right shape", "an older version listed as newer"];

    [Theory]
    [MemberData(nameof(Lies))]
    public void A_lie_in_a_full_read_is_named_and_never_used(string lie)
    {
        var wire = new SharesOnTheWire(n: 5, threshold: 3);

        var outcome = wire.Decide(wire.Read(wire.Answers(x => x == Liar ? Answer(x, Lie(wire, lie)) : null)));

        var result = outcome.Result ?? throw new Xunit.Sdk.XunitException(outcome.Failure!.Message);
        Assert.Equal(wire.Secret, result.Secret);
        Assert.Equal([Liar], result.BadXs);
        Assert.DoesNotContain(Liar, result.UsedXs);
    }

    [Theory]
    [MemberData(nameof(Lies))]
    public void A_lie_with_only_t_honest_nodes_left_is_named_and_the_secret_still_recovers(string lie)
    {
        var wire = new SharesOnTheWire(n: 5, threshold: 3);

        var outcome = wire.Decide(wire.Read(wire.Answers(x => x switch
        {
            Liar => Answer(x, Lie(wire, lie)),
            4 => Error(x, StatusCode.Unavailable),
            _ => null,
        })));

        var result = outcome.Result ?? throw new Xunit.Sdk.XunitException(outcome.Failure!.Message);
        Assert.Equal(wire.Secret, result.Secret);
        Assert.Equal([Liar], result.BadXs);
        Assert.Equal([(byte)1, (byte)3, (byte)5], result.UsedXs);
        Assert.Equal([(byte)4], result.UnreachableXs);
    }

    public static TheoryData<string> Malformations => ["x = 0", "another node's x", "share not whole blocks", "share too short",
        "threshold not the client's", "commitment of 31 bytes", "another name", "an older version listed as newer"];

    [Theory]
    [MemberData(nameof(Malformations))]
    public void A_malformed_answer_is_named_even_when_it_claims_a_version_that_does_not_win(string lie)
    {
        // Off the winning version nothing is compared with it: only the answer's own shape convicts it.
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var answer = Lie(wire, lie);
        answer.Version = wire.Version + 1;

        var result = wire.Decide(wire.Read(wire.Answers(x => x == Liar ? Answer(x, answer) : null))).Result!;

        Assert.Equal(wire.Secret, result.Secret);
        Assert.Equal(wire.Version, result.Version);
        Assert.Equal([Liar], result.BadXs);
    }

    [Fact]
    public void A_liar_posing_as_another_node_gets_itself_named_not_that_node()
    {
        // The old decision placed the share at the reported x = 3, dropped node 3's own answer as a
        // duplicate and named node 3 for the liar's garbage.
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var posing = wire.Honest(Liar);
        posing.X = 3;
        posing.Share = Garbage(posing.Share.Length);

        var result = wire.Decide(wire.Read(wire.Answers(x => x == Liar ? Answer(x, posing) : null))).Result!;

        Assert.Equal(wire.Secret, result.Secret);
        Assert.Equal([Liar], result.BadXs);
        Assert.Contains((byte)3, result.UsedXs);
    }

    [Fact]
    public void A_share_at_the_wrong_x_is_wrong_even_when_it_is_another_nodes_right_share()
    {
        // Node 2 hands over node 3's genuine share under its own x: placed at x = 2, it is off the polynomial.
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var copied = wire.Honest(3);
        copied.X = Liar;

        var result = wire.Decide(wire.Read(wire.Answers(x => x == Liar ? Answer(x, copied) : null))).Result!;

        Assert.Equal(wire.Secret, result.Secret);
        Assert.Equal([Liar], result.BadXs);
    }

    [Fact]
    public void A_liar_claiming_a_newer_version_does_not_hide_the_stored_one_and_names_nobody_honest()
    {
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var newer = wire.Honest(Liar);
        newer.Version = wire.Version + 1;
        newer.Share = Garbage(newer.Share.Length);
        newer.Commitment = Garbage(32);
        newer.OlderVersions.Add(wire.Version);

        var result = wire.Decide(wire.Read(wire.Answers(x => x == Liar ? Answer(x, newer) : null))).Result!;

        // A lone newer version is what a failed store leaves behind too: unproven, so not named.
        Assert.Equal(wire.Secret, result.Secret);
        Assert.Equal(wire.Version, result.Version);
        Assert.Empty(result.BadXs);
        Assert.Equal(Honest, result.UsedXs);
    }

    [Fact]
    public void A_liar_claiming_another_epoch_splits_no_group_that_matters_and_is_not_used()
    {
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var later = wire.Honest(Liar);
        later.Epoch = wire.Epoch + 1;

        var outcome = wire.Decide(wire.Read(wire.Answers(x => x switch
        {
            Liar => Answer(x, later),
            4 => Error(x, StatusCode.Unavailable),
            _ => null,
        })));

        // An honest node mid-commit answers exactly like this, so it is not named either.
        var result = outcome.Result!;
        Assert.Equal(wire.Secret, result.Secret);
        Assert.Equal(wire.Epoch, result.Epoch);
        Assert.Empty(result.BadXs);
        Assert.Equal([(byte)1, (byte)3, (byte)5], result.UsedXs);
    }

    [Fact]
    public void With_fewer_than_t_honest_nodes_recovery_fails_and_names_only_the_proven_liar_and_the_silent()
    {
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var zero = wire.Honest(Liar);
        zero.X = 0;

        var outcome = wire.Decide(wire.Read(wire.Answers(x => x switch
        {
            Liar => Answer(x, zero),
            4 or 5 => Error(x, StatusCode.Unavailable),
            _ => null,
        })));

        Assert.Null(outcome.Result);
        Assert.Equal(FleetErrorKind.NotEnoughNodes, outcome.Failure!.Kind);
        Assert.Equal([Liar, (byte)4, (byte)5], outcome.Failure.Nodes);
        Assert.Contains("wrong answers from node-1", outcome.Failure.Message);
    }

    [Fact]
    public void A_group_of_exactly_t_that_fails_names_none_of_its_members()
    {
        // With t shares and one wrong, nothing says which: the exception must not accuse 1 or 3.
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var garbage = wire.Honest(Liar);
        garbage.Share = Garbage(garbage.Share.Length);

        var outcome = wire.Decide(wire.Read(wire.Answers(x => x switch
        {
            Liar => Answer(x, garbage),
            4 or 5 => Error(x, StatusCode.Unavailable),
            _ => null,
        })));

        Assert.Null(outcome.Result);
        Assert.Equal([(byte)4, (byte)5], outcome.Failure!.Nodes);
        Assert.False(outcome.Straddling);
    }

    [Fact]
    public void A_malformed_answer_to_the_older_version_read_discredits_the_node_in_every_read()
    {
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var older = new SharesOnTheWire(n: 5, threshold: 3, version: 5);
        // A failed overwrite: version 7 on nodes 1 and 2 (which keep 5), version 5 newest on 3 and 4; node 5 down.
        var newest = wire.Read(wire.Answers(x => x switch
        {
            1 or 2 => Answer(x, WithOlder(wire.Honest(x), older.Version)),
            3 or 4 => Answer(x, older.Honest(x)),
            _ => Error(x, StatusCode.Unavailable),
        }));
        var asked = Assert.Single(wire.Decide(newest).Older);
        Assert.Equal(older.Version, asked.Version);
        Assert.Equal([(byte)1, (byte)2], asked.Nodes);

        // Node 2 answers the read of version 5 with version 7 again: its version 7 no longer counts either.
        var fallback = wire.Read([Answer(1, older.Honest(1)), Answer(2, wire.Honest(2))], askedVersion: older.Version);
        var result = wire.Decide(newest, fallback).Result!;

        Assert.Equal(older.Secret, result.Secret);
        Assert.Equal([Liar], result.BadXs);
        Assert.Equal([(byte)1, (byte)3, (byte)4], result.UsedXs);
    }

    [Fact]
    public void A_failed_overwrite_falls_back_to_the_version_before_asking_only_the_nodes_that_keep_it()
    {
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var older = new SharesOnTheWire(n: 5, threshold: 3, version: 5);
        var newest = wire.Read(wire.Answers(x => x switch
        {
            1 or 2 => Answer(x, WithOlder(wire.Honest(x), older.Version)),
            3 or 4 => Answer(x, older.Honest(x)),
            _ => Error(x, StatusCode.Unavailable),
        }));
        Assert.Equal([(byte)1, (byte)2], Assert.Single(wire.Decide(newest).Older).Nodes);

        var fallback = wire.Read([Answer(1, older.Honest(1)), Answer(2, older.Honest(2))], askedVersion: older.Version);
        var result = wire.Decide(newest, fallback).Result!;

        Assert.Equal(older.Secret, result.Secret);
        Assert.Equal(older.Version, result.Version);
        Assert.Equal([(byte)1, (byte)2, (byte)3, (byte)4], result.UsedXs);
        Assert.Empty(result.BadXs);
    }

    [Fact]
    public void A_liar_listing_made_up_older_versions_does_not_stop_the_fallback()
    {
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var older = new SharesOnTheWire(n: 5, threshold: 3, version: 5);
        var newest = wire.Read(wire.Answers(x => x switch
        {
            1 => Answer(x, WithOlder(wire.Honest(x), older.Version)),
            Liar => Answer(x, WithOlder(WithOlder(WithOlder(wire.Honest(x), 6), 4), 3)),
            3 or 4 => Answer(x, older.Honest(x)),
            _ => Error(x, StatusCode.Unavailable),
        }));

        var reads = wire.Decide(newest).Older;

        Assert.Contains(reads, r => r.Version == older.Version && r.Nodes.SequenceEqual([(byte)1]));
        Assert.DoesNotContain(reads, r => r.Version == 3);
    }

    [Fact]
    public void Shares_split_between_two_epochs_with_none_reaching_t_straddle_and_do_not_fall_back()
    {
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var outcome = wire.Decide(wire.Read(wire.Answers(x => x switch
        {
            1 or 2 => Answer(x, WithOlder(WithEpoch(wire.Honest(x), wire.Epoch + 1), 5)),
            3 or 4 => Answer(x, WithOlder(wire.Honest(x), 5)),
            _ => Error(x, StatusCode.Unavailable),
        })));

        Assert.True(outcome.Straddling);
        Assert.Empty(outcome.Older);
        Assert.Equal([(byte)5], outcome.Failure!.Nodes);
    }

    [Fact]
    public void A_liar_in_a_straddling_epoch_makes_recovery_wait_not_fail_and_accuse()
    {
        // The old decision tried the group of 3 at epoch 4 (two honest, one liar), failed, named all three and gave up.
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var outcome = wire.Decide(wire.Read(wire.Answers(x => x switch
        {
            1 => Answer(x, WithEpoch(wire.Honest(x), wire.Epoch + 1)),
            Liar => Answer(x, WithEpoch(WithShare(wire.Honest(x), Garbage(wire.Honest(x).Share.Length)), wire.Epoch + 1)),
            3 => Answer(x, WithEpoch(wire.Honest(x), wire.Epoch + 1)),
            _ => null,
        })));

        Assert.True(outcome.Straddling);
        Assert.Empty(outcome.Failure!.Nodes);
    }

    [Fact]
    public void A_node_whose_share_fails_its_integrity_check_is_named()
    {
        var wire = new SharesOnTheWire(n: 5, threshold: 3);

        var result = wire.Decide(wire.Read(wire.Answers(x => x == 4 ? Error(x, StatusCode.DataLoss) : null))).Result!;

        Assert.Equal(wire.Secret, result.Secret);
        Assert.Equal([(byte)4], result.BadXs);
    }

    [Fact]
    public void A_liar_inventing_a_share_of_a_secret_nobody_stored_does_not_turn_not_found_into_another_error()
    {
        var wire = new SharesOnTheWire(n: 5, threshold: 3);

        var outcome = wire.Decide(wire.Read(wire.Answers(x => x == Liar ? Answer(x, wire.Honest(x)) : Error(x, StatusCode.NotFound))));

        Assert.Equal(FleetErrorKind.NotFound, outcome.Failure!.Kind);
        Assert.Empty(outcome.Failure.Nodes);
    }

    [Fact]
    public void A_node_caught_lying_in_one_read_is_not_used_in_another()
    {
        var wire = new SharesOnTheWire(n: 5, threshold: 3);
        var zero = wire.Honest(Liar);
        zero.X = 0;
        var first = wire.Read(wire.Answers(x => x == Liar ? Answer(x, zero) : null));
        var second = wire.Read(wire.Answers(), askedVersion: wire.Version);

        var result = wire.Decide(first, second).Result!;

        Assert.Equal([Liar], result.BadXs);
        Assert.Equal(Honest, result.UsedXs);
    }

    [Fact]
    public void Disposing_a_read_zeroes_the_share_bytes_of_every_answer_malformed_ones_included()
    {
        var wire = new SharesOnTheWire(n: 3, threshold: 2);
        var zero = wire.Honest(Liar);
        zero.X = 0;
        var answers = wire.Answers(x => x == Liar ? Answer(x, zero) : null);
        var read = wire.Read(answers);
        // No copy: the share recovery combines is the parser's own buffer.
        Assert.True(MemoryMarshal.TryGetArray(answers[0].Response!.Share.Memory, out var buffer));
        Assert.Same(buffer.Array, read.Shares[0].Value);

        read.Dispose();

        Assert.All(answers, a => Assert.True(a.Response!.Share.Span.IndexOfAnyExcept((byte)0) < 0));
    }

    private static GetShareResponse Lie(SharesOnTheWire wire, string lie)
    {
        var answer = wire.Honest(Liar);
        var length = answer.Share.Length;
        switch (lie)
        {
            case "x = 0": answer.X = 0; break;
            case "another node's x": answer.X = 3; break;
            case "share one block longer": answer.Share = Garbage(length + 16); break;
            case "share not whole blocks": answer.Share = Garbage(length - 1); break;
            case "share too short": answer.Share = Garbage(16); break;
            case "threshold not the client's": answer.Threshold = 2; break;
            case "commitment of 31 bytes": answer.Commitment = Garbage(31); break;
            case "another commitment": answer.Commitment = Garbage(32); break;
            case "another name": answer.Name = "other-secret"; break;
            case "garbage with the right shape": answer.Share = Garbage(length); break;
            case "an older version listed as newer": answer.OlderVersions.Add(wire.Version + 1); break;
            default: throw new ArgumentException(lie);
        }
        return answer;
    }

    private static GetShareResponse WithOlder(GetShareResponse response, ulong version)
    {
        response.OlderVersions.Add(version);
        return response;
    }

    private static GetShareResponse WithEpoch(GetShareResponse response, ulong epoch)
    {
        response.Epoch = epoch;
        return response;
    }

    private static GetShareResponse WithShare(GetShareResponse response, ByteString share)
    {
        response.Share = share;
        return response;
    }
}
