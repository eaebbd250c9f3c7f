package org.dml4j.mining;

/**
 * Index tuples into a batch, as a miner returns them: pairs, triplets or quadruplets. Losses convert between the
 * forms with {@link PairTuples#from} and {@link TripletTuples#from} the way PML does.
 */
public sealed interface IndexTuples permits PairTuples, TripletTuples, QuadrupletTuples {

    /** @return the number of tuples (for pairs: positive plus negative pairs) */
    int size();
}
