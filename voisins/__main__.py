from voisins.manage import main

main()
