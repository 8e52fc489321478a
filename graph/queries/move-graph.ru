MOVE GRAPH $source TO GRAPH $target ;
