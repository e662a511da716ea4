from robopoet.cli import main
main()
